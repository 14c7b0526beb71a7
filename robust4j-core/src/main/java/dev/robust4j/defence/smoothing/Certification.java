package dev.robust4j.defence.smoothing;

import dev.robust4j.defence.smoothing.SmoothedClassifier.Certificate;

import java.util.List;

/**
 * The certificates of a labelled data set and the figures of the paper's Table 1 and Figure 1: the
 * certified accuracy at radius {@code r} is the fraction of samples whose certified class is their
 * label with a radius of at least {@code r} (an abstention is never correct).
 *
 * @param certificates one per sample, in order
 * @param labels the samples' labels, as many as certificates
 * @param sigma the noise's standard deviation
 * @param n0 the selection draws per sample
 * @param n the estimation draws per sample
 * @param alpha the failure probability
 * @param seconds the time the certification took
 */
public record Certification(List<Certificate> certificates, int[] labels, double sigma, int n0, int n, double alpha,
        double seconds) {

    /** The radii the command line reports by default, those of the paper's Table 1 and more. */
    public static final double[] DEFAULT_RADII = {0.0, 0.25, 0.5, 0.75, 1.0};

    /** Checks that there is one label per certificate. */
    public Certification {
        certificates = List.copyOf(certificates);
        if (labels == null || labels.length != certificates.size()) {
            throw new IllegalArgumentException("need one label per certificate: " + certificates.size()
                    + " certificates, " + (labels == null ? "no" : Integer.toString(labels.length)) + " labels");
        }
        labels = labels.clone();
    }

    /** @return the number of samples */
    public int size() {
        return certificates.size();
    }

    /**
     * @param i a sample
     * @return whether its certified class is its label (false when abstained)
     */
    public boolean correct(int i) {
        Certificate c = certificates.get(i);
        return !c.abstained() && c.label() == labels[i];
    }

    /**
     * @param radius an L2 radius, non-negative
     * @return the fraction of samples certified correct to at least {@code radius}; NaN when there
     *     are no samples
     */
    public double certifiedAccuracy(double radius) {
        if (!(radius >= 0)) {
            throw new IllegalArgumentException("radius must be >= 0, got " + radius);
        }
        if (size() == 0) {
            return Double.NaN;
        }
        int ok = 0;
        for (int i = 0; i < size(); i++) {
            if (correct(i) && certificates.get(i).radius() >= radius) {
                ok++;
            }
        }
        return (double) ok / size();
    }

    /**
     * @param radii L2 radii
     * @return the certified accuracy at each
     */
    public double[] certifiedAccuracy(double[] radii) {
        double[] out = new double[radii.length];
        for (int i = 0; i < radii.length; i++) {
            out[i] = certifiedAccuracy(radii[i]);
        }
        return out;
    }

    /** @return the fraction of samples abstained on; NaN when there are no samples */
    public double abstentionRate() {
        if (size() == 0) {
            return Double.NaN;
        }
        int a = 0;
        for (Certificate c : certificates) {
            a += c.abstained() ? 1 : 0;
        }
        return (double) a / size();
    }

    /** @return the largest certified radius of a correct sample, 0 when there is none */
    public double maxCorrectRadius() {
        double max = 0;
        for (int i = 0; i < size(); i++) {
            if (correct(i)) {
                max = Math.max(max, certificates.get(i).radius());
            }
        }
        return max;
    }
}
