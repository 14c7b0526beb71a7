/**
 * Black-box evasion attacks: they use the target model's answers only (scores, or labels alone),
 * never its gradients, and count every query per sample.
 */
package dev.robust4j.attack.blackbox;
