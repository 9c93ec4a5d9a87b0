package org.relunet.cli;

import java.io.PrintWriter;
import java.util.Locale;

import org.relunet.train.EpochResult;
import org.relunet.train.Trainer;
import org.relunet.train.TrainingListener;

/**
 * What training shows: on a terminal, a progress bar on stderr redrawn at most ten times a second
 * with the epoch, the share done, the time left (ETA), and the running loss and accuracy of the
 * epoch; and always one line per epoch on stdout.
 * <pre>
 *   epoch 2/5 [##########..........]  52%  ETA 0:03  loss 0.4321  acc 84.1%
 *   epoch 2/5   3.1 s   train loss 0.4321  acc 84.12%   test loss 0.3999  acc 86.00%
 * </pre>
 */
final class Progress implements TrainingListener {
    private static final int BAR = 24;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter out, err;
    private final boolean bar;
    private int epochs;
    private long epochStart, lastDraw;
    private double lossSum;
    private long correct, seen;
    private boolean drawn;

    /** @param bar draw the progress bar (only when stderr is a terminal) */
    Progress(PrintWriter out, PrintWriter err, boolean bar) {
        this.out = out;
        this.err = err;
        this.bar = bar;
    }

    @Override public void onTrainStart(Trainer trainer, int firstEpoch, int epochs, int batchesPerEpoch) {
        this.epochs = epochs;
    }

    @Override public void onEpochStart(Trainer trainer, int epoch) {
        epochStart = System.nanoTime();
        lastDraw = 0;
        lossSum = 0;
        correct = 0;
        seen = 0;
    }

    @Override public void onBatchEnd(Trainer trainer, int epoch, int batch, int batches, double loss, int correct, int count) {
        lossSum += loss * count;
        this.correct += correct;
        seen += count;
        if (!bar) return;
        long now = System.nanoTime();
        if (now - lastDraw < REDRAW_NANOS && batch + 1 < batches) return;
        lastDraw = now;
        double done = (batch + 1.0) / batches;
        double elapsed = (now - epochStart) / 1e9;
        double left = elapsed / done * (1 - done) + (epochs - epoch - 1) * elapsed / done;
        int filled = (int) Math.round(done * BAR);
        err.print(String.format(Locale.ROOT, "\repoch %d/%d [%s%s] %3.0f%%  ETA %s  loss %.4f  acc %.1f%%  ",
                epoch + 1, epochs, "#".repeat(filled), ".".repeat(BAR - filled), 100 * done, clock(left),
                lossSum / seen, 100.0 * this.correct / seen));
        err.flush();
        drawn = true;
    }

    @Override public void onEpochEnd(Trainer trainer, EpochResult r) {
        clear();
        out.println(epochLine(r, epochs));
        out.flush();
    }

    @Override public void onTrainEnd(Trainer trainer) { clear(); }

    /** Removes the bar so the next line starts clean (also before an error message). */
    void clear() {
        if (drawn) {
            err.print("\r" + " ".repeat(BAR + 70) + "\r");
            err.flush();
            drawn = false;
        }
    }

    static String epochLine(EpochResult r, int epochs) {
        String width = Integer.toString(Integer.toString(epochs).length());
        String line = String.format(Locale.ROOT, "epoch %" + width + "d/%d  %6.1f s   train loss %.4f  acc %6.2f%%",
                r.epoch(), epochs, r.seconds(), r.trainLoss(), 100 * r.trainAccuracy());
        if (!Double.isNaN(r.testAccuracy())) {
            line += String.format(Locale.ROOT, "   test loss %.4f  acc %6.2f%%", r.testLoss(), 100 * r.testAccuracy());
        }
        return line;
    }

    static String clock(double seconds) {
        if (!Double.isFinite(seconds)) return "--:--";
        long s = Math.round(seconds);
        if (s >= 3600) return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
