package org.relunet.io;

/**
 * A model file that cannot be written or used: missing, truncated, corrupted, from a newer relunet,
 * or not matching the run it should resume. The message is one line of the form
 * {@code "<file>: <problem>; <fix>"}, e.g.
 * {@code "model.rnm: truncated (expected 334,112 bytes of parameters, found 1,000); the file was not
 * written completely: retrain or use the last checkpoint"}, so a command-line tool can print it as it is.
 */
public final class ModelFileException extends RuntimeException {

    public ModelFileException(String message) { super(oneLine(message)); }

    public ModelFileException(String message, Throwable cause) { super(oneLine(message), cause); }

    private static String oneLine(String s) { return s.replace('\n', ' ').replace('\r', ' '); }
}
