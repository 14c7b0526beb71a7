package dev.robust4j.data;

/** Which part of a known dataset to load. */
public enum Split {
    /** The training split. */
    TRAIN,
    /** The test split. */
    TEST
}
