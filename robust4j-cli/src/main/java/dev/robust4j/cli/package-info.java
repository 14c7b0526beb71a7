/** The robust4j command line: parses, wires library calls and prints. */
package dev.robust4j.cli;
