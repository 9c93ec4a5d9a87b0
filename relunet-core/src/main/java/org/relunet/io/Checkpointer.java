package org.relunet.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.relunet.nn.Model;
import org.relunet.nn.Parameter;
import org.relunet.train.EpochResult;
import org.relunet.train.NonFiniteException;
import org.relunet.train.Trainer;
import org.relunet.train.TrainingListener;

/**
 * Saves a checkpoint ({@code DIR/checkpoint.rnm}) at the end of every epoch, atomically, so the file
 * in the directory is always the last good one: a crash while saving leaves the previous epoch's
 * checkpoint, and an epoch whose parameters are no longer finite is never saved. Resume with
 * {@link ModelFile#loadCheckpoint}.
 */
public final class Checkpointer implements TrainingListener {
    /** The checkpoint's file name inside the directory. */
    public static final String FILE_NAME = "checkpoint" + ModelFile.EXTENSION;

    private final Path directory;
    private final Map<String, String> settings;
    private int lastEpoch = 0;

    /** Checkpoints into {@code directory} (created when training starts). */
    public Checkpointer(Path directory) { this(directory, Map.of()); }

    /**
     * Checkpoints into {@code directory} with free settings saved beside the training state
     * (e.g. the command-line flags a resumed run must reuse).
     */
    public Checkpointer(Path directory, Map<String, String> settings) {
        this.directory = directory;
        this.settings = new LinkedHashMap<>(settings);
    }

    /** The checkpoint file of a directory. */
    public static Path file(Path directory) { return directory.resolve(FILE_NAME); }

    public Path directory() { return directory; }

    /** The epoch (1-based) of the last checkpoint this listener wrote, 0 before the first. */
    public int lastEpoch() { return lastEpoch; }

    /** The checkpoint file, once this listener has written one. */
    public Optional<Path> lastSaved() { return lastEpoch == 0 ? Optional.empty() : Optional.of(file(directory)); }

    @Override public void onTrainStart(Trainer trainer, int firstEpoch, int epochs, int batchesPerEpoch) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new ModelFileException(directory + ": cannot create the checkpoint directory (" + e.getMessage()
                    + "); choose a writable directory", e);
        }
        if (!Files.isWritable(directory)) {
            throw new ModelFileException(directory + ": the checkpoint directory is not writable; choose a writable directory");
        }
    }

    @Override public void onEpochEnd(Trainer trainer, EpochResult result) {
        Model model = trainer.model();
        List<Parameter> params = model.parameters();
        for (int i = 0; i < params.size(); i++) {
            for (float v : params.get(i).value()) {
                if (!Float.isFinite(v)) {
                    // The loss of the last batch was finite but its step was not: keep the previous checkpoint.
                    String kept = lastEpoch > 0 ? "the checkpoint of epoch " + lastEpoch + " in " + directory + " is kept"
                            : "no checkpoint was written";
                    throw new NonFiniteException("training diverged at the end of epoch " + result.epoch() + " (step "
                            + trainer.optimizer().steps() + "): parameter " + model.parameterNames().get(i) + " is not finite; " + kept
                            + "; lower the learning rate (now " + trainer.optimizer().learningRate() + ") or check the data",
                            result.epoch(), -1, trainer.optimizer().steps());
                }
            }
        }
        ModelFile.save(trainer, file(directory), settings);
        lastEpoch = result.epoch();
    }
}
