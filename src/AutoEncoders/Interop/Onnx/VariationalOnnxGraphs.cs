using AutoEncoders.Models;
using AutoEncoders.Models.Variational;

namespace AutoEncoders.Interop.Onnx;

/// <summary>
/// ONNX form of the fully connected <see cref="VariationalAutoencoder"/>: the encoder gives "mean" and
/// "log_variance" of q(z|x) and "code" (the mean, as <see cref="VariationalModel.Encode"/> returns); the decoder gives
/// the mean of p(x|z). Nothing is sampled: the autoencoder graph decodes the mean, as Reconstruct does.
/// </summary>
internal sealed class VariationalOnnxGraphs : OnnxModelGraphs
{
    private readonly VariationalAutoencoderConfig _config;

    /// <summary>Reads a variational autoencoder.</summary>
    public VariationalOnnxGraphs(VariationalAutoencoder model)
        : base(model) => _config = model.VariationalConfig;

    /// <inheritdoc />
    public override IReadOnlyList<(string Name, string Value, long[] Shape)> Encoder(OnnxGraphBuilder graph, string input)
    {
        string h = OnnxLayers.Flatten(graph, input);
        for (int i = 0; i < _config.Layers.Count - 2; i++)
        {
            h = OnnxLayers.Activate(graph, _config.Activation, OnnxLayers.Linear(graph, State, $"encoder.{i}", h));
        }

        return Heads(graph, State, h, _config.Parameterization, CodeSize);
    }

    /// <inheritdoc />
    public override string Decoder(OnnxGraphBuilder graph, string code)
    {
        string h = code;
        int count = _config.EffectiveDecoderLayers.Count - 1;
        for (int i = 0; i < count; i++)
        {
            h = OnnxLayers.Activate(graph, i == count - 1 ? _config.OutputActivation : _config.Activation, OnnxLayers.Linear(graph, State, $"decoder.{i}", h));
        }

        return OnnxLayers.Reshape(graph, h, InputShape);
    }

    /// <summary>
    /// The mean and spread heads on the flat features <paramref name="h"/>: "mean", "log_variance" (the spread itself,
    /// or 2 log(softplus(s) + <see cref="VariationalModel.SigmaFloor"/>)) and "code" = mean.
    /// </summary>
    public static IReadOnlyList<(string Name, string Value, long[] Shape)> Heads(
        OnnxGraphBuilder graph, IReadOnlyDictionary<string, TorchSharp.torch.Tensor> state, string h, SpreadParameterization parameterization, long latent)
    {
        string mean = OnnxLayers.Linear(graph, state, "mean", h);
        string spread = OnnxLayers.Linear(graph, state, "spread", h);
        string logVariance = parameterization == SpreadParameterization.LogVariance
            ? spread
            : graph.Node("Mul", [graph.Floats("two", [2f]), graph.Node("Log", [graph.Node("Add", [graph.Node("Softplus", [spread]), graph.Floats("sigma_floor", [(float)VariationalModel.SigmaFloor])])])]);
        return [("mean", mean, [latent]), ("log_variance", logVariance, [latent]), ("code", mean, [latent])];
    }
}
