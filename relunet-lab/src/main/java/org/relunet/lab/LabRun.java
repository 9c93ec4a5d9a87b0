package org.relunet.lab;

import java.util.List;

/**
 * One run of the lab as the report shows it.
 *
 * @param options    the options it ran with
 * @param data       where the data came from
 * @param dataNotice a notice about the data (e.g. the full set was not found), or null
 * @param kernels    the kernel implementation and why it was chosen
 * @param java       Java version
 * @param started    start time, ISO-8601 local
 * @param seconds    wall time so far
 * @param results    the experiments finished so far, in order
 * @param planned    ids of every experiment of the run, finished or not
 */
public record LabRun(LabOptions options, String data, String dataNotice, String kernels, String java, String started,
                     double seconds, List<ExperimentResult> results, List<String> planned) {
    public LabRun {
        results = List.copyOf(results);
        planned = List.copyOf(planned);
    }

    /** True once every planned experiment has a result. */
    public boolean complete() { return results.size() == planned.size(); }
}
