/** Black-box attacks: they only query the model's predictions (scores or labels), never its gradients. */
package dev.robust4j.attack.blackbox;
