/** Evasion attacks: the contract, the template that enforces bounds and budgets, and the gradient engine. */
package dev.robust4j.attack;
