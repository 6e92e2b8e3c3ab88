package dev.scion.engine.runtime;

import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;
import java.util.List;

/** The runtime's four matrix products per layer; q/k/v and gate/up are each fused into one. */
public enum FusedProjection {
    QKV(List.of(Projection.Q, Projection.K, Projection.V)),
    O(List.of(Projection.O)),
    GATE_UP(List.of(Projection.GATE, Projection.UP)),
    DOWN(List.of(Projection.DOWN));

    private final List<Projection> parts;

    FusedProjection(List<Projection> parts) {
        this.parts = parts;
    }

    public List<Projection> parts() {
        return parts;
    }

    public int inDim(ModelConfig c) {
        return parts.get(0).inDim(c);
    }

    public int outDim(ModelConfig c) {
        return parts.stream().mapToInt(p -> p.outDim(c)).sum();
    }

    /** Column where a part's output starts inside the fused output. */
    public int outOffset(ModelConfig c, Projection part) {
        int offset = 0;
        for (Projection p : parts) {
            if (p == part) {
                return offset;
            }
            offset += p.outDim(c);
        }
        throw new IllegalArgumentException(part + " is not part of " + this);
    }
}
