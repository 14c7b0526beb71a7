package dev.robust4j.report;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.robust4j.defence.smoothing.Certification;
import dev.robust4j.defence.smoothing.SmoothedClassifier.Certificate;
import dev.robust4j.model.Devices;

/**
 * The JSON record of a randomized-smoothing certification, snake_case keys:
 * {@code command, model, data, params{sigma, n0, n, alpha, batch_size, seed}, samples,
 * abstention_rate, certified_accuracy[{radius, certified_accuracy}], seconds, samples_per_second,
 * engine{name, version, threads}, per_sample[{index, label, prediction, radius, abstained, correct,
 * count, p_a_lower}]}. {@code prediction} is {@code null} for an abstention.
 */
public final class CertificationJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CertificationJson() {}

    /**
     * Makes the record.
     *
     * @param c the certification
     * @param radii the radii of the curve
     * @param model the base model's description
     * @param data the data's description
     * @param batchSize the noise batch size
     * @param seed the seed
     * @return the record
     */
    public static ObjectNode toJson(Certification c, double[] radii, String model, String data, int batchSize, long seed) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("command", "certify");
        o.put("method", "randomized smoothing (Cohen, Rosenfeld and Kolter 2019), CERTIFY");
        o.put("model", model);
        o.put("data", data);
        ObjectNode p = o.putObject("params");
        p.put("sigma", c.sigma());
        p.put("n0", c.n0());
        p.put("n", c.n());
        p.put("alpha", c.alpha());
        p.put("batch_size", batchSize);
        p.put("seed", seed);
        o.put("samples", c.size());
        AttackRunJson.number(o, "abstention_rate", c.abstentionRate());
        ArrayNode curve = o.putArray("certified_accuracy");
        for (double r : radii) {
            ObjectNode row = curve.addObject();
            row.put("radius", r);
            AttackRunJson.number(row, "certified_accuracy", c.certifiedAccuracy(r));
        }
        AttackRunJson.number(o, "seconds", c.seconds());
        AttackRunJson.number(o, "samples_per_second", c.seconds() > 0 ? c.size() / c.seconds() : Double.NaN);
        ObjectNode engine = o.putObject("engine");
        engine.put("name", "PyTorch");
        engine.put("version", Engine.getEngine("PyTorch").getVersion());
        engine.put("threads", Devices.engineThreads());
        ArrayNode rows = o.putArray("per_sample");
        for (int i = 0; i < c.size(); i++) {
            Certificate cert = c.certificates().get(i);
            ObjectNode r = rows.addObject();
            r.put("index", i);
            r.put("label", c.labels()[i]);
            if (cert.abstained()) {
                r.putNull("prediction");
            } else {
                r.put("prediction", cert.label());
            }
            r.put("radius", cert.radius());
            r.put("abstained", cert.abstained());
            r.put("correct", c.correct(i));
            r.put("candidate", cert.candidate());
            r.put("count", cert.candidateCount());
            r.put("p_a_lower", cert.pALower());
        }
        return o;
    }
}
