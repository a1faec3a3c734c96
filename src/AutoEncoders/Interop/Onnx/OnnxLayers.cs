using AutoEncoders.Models;
using static TorchSharp.torch;

namespace AutoEncoders.Interop.Onnx;

/// <summary>
/// The ONNX form of the building blocks the models share: affine layers, activations, batch normalisation in
/// inference mode, flattening and reshaping with a dynamic batch axis. Weights come from the module's state
/// dictionary by key, so a weight used twice (tied weights) becomes one initializer.
/// </summary>
internal static class OnnxLayers
{
    /// <summary>x W^T + b with W [out, in] under <paramref name="prefix"/>.weight and b under .bias (Gemm, transB = 1).</summary>
    public static string Linear(OnnxGraphBuilder graph, IReadOnlyDictionary<string, Tensor> state, string prefix, string x) =>
        graph.Node("Gemm", [x, graph.Weight($"{prefix}.weight", Get(state, $"{prefix}.weight")), graph.Weight($"{prefix}.bias", Get(state, $"{prefix}.bias"))], OnnxAttribute.Int("transB", 1));

    /// <summary>f(x) for an element-wise activation; the linear activation adds no node.</summary>
    public static string Activate(OnnxGraphBuilder graph, Activation activation, string x) => activation switch
    {
        Activation.Linear => x,
        Activation.Relu => graph.Node("Relu", [x]),
        Activation.Tanh => graph.Node("Tanh", [x]),
        Activation.Sigmoid => graph.Node("Sigmoid", [x]),
        Activation.LeakyRelu => graph.Node("LeakyRelu", [x], OnnxAttribute.Float("alpha", ActivationFunction.LeakySlope)),
        Activation.Elu => graph.Node("Elu", [x], OnnxAttribute.Float("alpha", 1.0)),
        _ => throw new NotSupportedException($"activation {activation} has no ONNX export."),
    };

    /// <summary>Batch normalisation with the running statistics (inference mode), over axis 1 of [B, C] or [B, C, H, W].</summary>
    public static string BatchNorm(OnnxGraphBuilder graph, IReadOnlyDictionary<string, Tensor> state, string prefix, string x, double epsilon) =>
        graph.Node(
            "BatchNormalization",
            [
                x,
                graph.Weight($"{prefix}.weight", Get(state, $"{prefix}.weight")),
                graph.Weight($"{prefix}.bias", Get(state, $"{prefix}.bias")),
                graph.Weight($"{prefix}.running_mean", Get(state, $"{prefix}.running_mean")),
                graph.Weight($"{prefix}.running_var", Get(state, $"{prefix}.running_var")),
            ],
            OnnxAttribute.Float("epsilon", epsilon));

    /// <summary>[B, ...] to [B, prod(...)].</summary>
    public static string Flatten(OnnxGraphBuilder graph, string x) => graph.Node("Flatten", [x], OnnxAttribute.Int("axis", 1));

    /// <summary>[B, ...] to [B, ..<paramref name="sampleShape"/>] (the batch axis stays dynamic).</summary>
    public static string Reshape(OnnxGraphBuilder graph, string x, IReadOnlyList<long> sampleShape) =>
        graph.Node("Reshape", [x, graph.Int64s("shape", [-1, .. sampleShape])]);

    /// <summary>The state entry <paramref name="key"/>, or a refusal naming it (the weights do not match the exporter's reading of the model).</summary>
    public static Tensor Get(IReadOnlyDictionary<string, Tensor> state, string key) =>
        state.TryGetValue(key, out Tensor? tensor)
            ? tensor
            : throw new InvalidOperationException($"ONNX export: the model has no weight '{key}'; its layers differ from what the exporter reads.");
}
