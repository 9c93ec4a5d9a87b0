package org.relunet.cli;

/**
 * A mistake of the user's (a bad flag value, a missing file, a spec that does not fit the data):
 * printed as one line naming the problem and the fix, exit code {@link Main#USER_ERROR}, and no
 * stack trace unless {@code --debug} is given.
 */
final class UserError extends RuntimeException {
    UserError(String message) { super(message.replace('\n', ' ').replace('\r', ' ')); }

    UserError(String message, Throwable cause) { super(message.replace('\n', ' ').replace('\r', ' '), cause); }
}
