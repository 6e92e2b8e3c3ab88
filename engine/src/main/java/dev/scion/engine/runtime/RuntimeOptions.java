package dev.scion.engine.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/**
 * Where and in what precision the model runs.
 *
 * @param device "cpu", "gpu" (or "gpu:N"), or "auto" (the first GPU when DJL's libtorch has CUDA, else the CPU)
 * @param dtype "float32", "float16" or "bfloat16"; float32 is the CPU default
 * @param maxContext longest sequence (prompt + generated) the runtime prepares positions for; 0 = the model's maximum
 */
public record RuntimeOptions(String device, String dtype, int maxContext) {
    public static final RuntimeOptions CPU = new RuntimeOptions("cpu", "float32", 0);

    public RuntimeOptions {
        device = device.toLowerCase(Locale.ROOT);
        dtype = dtype.toLowerCase(Locale.ROOT);
        resolveType(dtype);
        if (!device.equals("cpu") && !device.equals("auto") && !device.matches("gpu(:\\d+)?")) {
            throw new IllegalArgumentException("device must be cpu, gpu, gpu:N or auto, got " + device);
        }
        if (maxContext < 0) {
            throw new IllegalArgumentException("maxContext must be >= 0");
        }
    }

    public Device resolveDevice() {
        return switch (device) {
            case "cpu" -> Device.cpu();
            case "auto" -> Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
            default -> {
                int gpus = Engine.getInstance().getGpuCount();
                int id = device.contains(":") ? Integer.parseInt(device.substring(4)) : 0;
                if (id >= gpus) {
                    throw new IllegalArgumentException("device " + device + " requested but this libtorch sees "
                            + gpus + " GPU(s); install DJL's CUDA libtorch (see README) or use --device cpu");
                }
                yield Device.gpu(id);
            }
        };
    }

    public DataType computeType() {
        return resolveType(dtype);
    }

    private static DataType resolveType(String dtype) {
        return switch (dtype) {
            case "float32", "fp32" -> DataType.FLOAT32;
            case "float16", "fp16", "half" -> DataType.FLOAT16;
            case "bfloat16", "bf16" -> DataType.BFLOAT16;
            default -> throw new IllegalArgumentException("dtype must be float32, float16 or bfloat16, got " + dtype);
        };
    }
}
