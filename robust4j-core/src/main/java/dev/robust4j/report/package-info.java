/** JSON and (later) HTML reports of attack runs and robustness tests. */
package dev.robust4j.report;
