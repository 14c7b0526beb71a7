package dev.robust4j.cli;

import dev.robust4j.defence.DefenceSpec;
import dev.robust4j.defence.RuntimeDefences;
import dev.robust4j.defence.TrainingDefences;
import dev.robust4j.model.Classifier;

import java.util.ArrayList;
import java.util.List;

/** Wires {@code --defence} specs around a loaded model. */
final class Defences {

    private Defences() {}

    /**
     * @param model the loaded model
     * @param specs run-time defence specs, in order
     * @param modelOptions how to load ensemble members (same input shape and bounds)
     * @return the defended model
     */
    static Classifier wrap(Classifier model, List<String> specs, ModelOptions modelOptions) {
        if (specs.isEmpty()) {
            return model;
        }
        List<DefenceSpec> parsed = new ArrayList<>();
        for (String s : specs) {
            DefenceSpec spec = DefenceSpec.parse(s);
            if (TrainingDefences.NAMES.contains(spec.name())) {
                throw new IllegalArgumentException(
                        spec.name() + " is a training-time defence: use it with 'robust4j train --defence'");
            }
            parsed.add(spec);
        }
        return RuntimeDefences.wrap(model, parsed, path -> modelOptions.loadMember(path, model));
    }
}
