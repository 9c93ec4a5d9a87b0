package org.relunet.data;

/**
 * A data file or directory that cannot be used: missing, truncated, of the wrong kind, or
 * inconsistent with its partner file. The message is one line of the form
 * {@code "<source>: <problem>; <fix>"}, e.g.
 * {@code "/x/train-images-idx3-ubyte.gz: truncated: header promises 47040000 pixel bytes
 * (60000 x 28 x 28), data has 1000; re-download the file or reinstall with apt-get install
 * --reinstall dataset-fashion-mnist"}, so a command-line tool can print it as it is.
 *
 * <p>Unchecked because a caller can rarely do more than show it; programming errors (a negative
 * sample count, a batch tensor of the wrong size) stay {@link IllegalArgumentException}.
 */
public final class DataException extends RuntimeException {
    private final String source;
    private final String problem;
    private final String fix;

    /**
     * @param source  the file, directory or resource ("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz")
     * @param problem what is wrong, with the numbers that show it ("bad magic number 0x00000804, expected 0x00000803")
     * @param fix     what the user can do about it ("re-download the file")
     */
    public DataException(String source, String problem, String fix) {
        this(source, problem, fix, null);
    }

    public DataException(String source, String problem, String fix, Throwable cause) {
        super(oneLine(source + ": " + problem + "; " + fix), cause);
        this.source = source;
        this.problem = problem;
        this.fix = fix;
    }

    /** The file, directory or resource the problem is in. */
    public String source() { return source; }

    /** What is wrong, without the source and the fix. */
    public String problem() { return problem; }

    /** What the user can do about it. */
    public String fix() { return fix; }

    /**
     * The same problem with another fix, for a caller that knows more than the reader did: the
     * IDX reader can only say "re-download the file", Fashion-MNIST discovery knows the package name.
     */
    public DataException withFix(String betterFix) {
        return new DataException(source, problem, betterFix, this);
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ').replace('\r', ' ');
    }
}
