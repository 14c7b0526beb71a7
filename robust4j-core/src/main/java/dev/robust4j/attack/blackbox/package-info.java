/** Black-box evasion attacks: they query the model's predictions only, never its gradients. */
package dev.robust4j.attack.blackbox;
