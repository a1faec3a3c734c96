using AutoEncoders.Models;
using AutoEncoders.Models.Adversarial;
using AutoEncoders.Models.Dense;
using AutoEncoders.Models.Sparsity;

namespace AutoEncoders.Interop.Onnx;

/// <summary>
/// ONNX form of fully connected autoencoders: <see cref="DenseAutoencoder"/> (every activation, tied weights as one
/// shared initializer, batch norm with its running statistics, k-sparse codes through TopK and ScatterElements;
/// dropout, code noise and winner-take-all masking act in training only) and the encoder and decoder of an
/// <see cref="AdversarialAutoencoder"/> (its discriminator is a training device and is not exported).
/// </summary>
internal sealed class DenseOnnxGraphs : OnnxModelGraphs
{
    private readonly int _depth;
    private readonly Func<int, Activation> _encoderActivation;
    private readonly Func<int, Activation> _decoderActivation;
    private readonly bool _batchNorm;
    private readonly bool _tied;
    private readonly CodeSparsity? _sparsity;

    /// <summary>Reads a dense autoencoder.</summary>
    public DenseOnnxGraphs(DenseAutoencoder model)
        : base(model)
    {
        var config = (DenseAutoencoderConfig)model.Config;
        _depth = config.Layers.Count - 1;
        _encoderActivation = config.EncoderActivation;
        _decoderActivation = config.DecoderActivation;
        _batchNorm = config.BatchNorm;
        _tied = config.TiedWeights;
        _sparsity = config.Sparsity;
    }

    /// <summary>Reads an adversarial autoencoder's encoder and decoder.</summary>
    public DenseOnnxGraphs(AdversarialAutoencoder model)
        : base(model)
    {
        AdversarialAutoencoderConfig config = model.AdversarialConfig;
        _depth = config.Layers.Count - 1;
        int decoderDepth = config.EffectiveDecoderLayers.Count - 1;
        _encoderActivation = i => i == _depth - 1 ? Activation.Linear : config.Activation;
        _decoderActivation = i => i == decoderDepth - 1 ? config.OutputActivation : config.Activation;
    }

    /// <inheritdoc />
    public override IReadOnlyList<(string Name, string Value, long[] Shape)> Encoder(OnnxGraphBuilder graph, string input)
    {
        string h = OnnxLayers.Flatten(graph, input);
        for (int i = 0; i < _depth; i++)
        {
            h = OnnxLayers.Linear(graph, State, $"encoder.{i}", h);
            if (_batchNorm && i < _depth - 1)
            {
                h = OnnxLayers.BatchNorm(graph, State, $"encoder_norm.{i}", h, 1e-5);
            }

            h = OnnxLayers.Activate(graph, _encoderActivation(i), h);
        }

        if (_sparsity is KSparse sparse && (sparse.InferenceK ?? sparse.K) < CodeSize)
        {
            // Keep each row's k largest units: TopK finds them, ScatterElements puts them into zeros.
            string[] top = graph.Node("TopK", [h, graph.Int64s("k", sparse.InferenceK ?? sparse.K)], 2, OnnxAttribute.Int("axis", -1));
            string zeros = graph.Node("ConstantOfShape", [graph.Node("Shape", [h])]);
            h = graph.Node("ScatterElements", [zeros, top[1], top[0]], OnnxAttribute.Int("axis", -1));
        }

        return [("code", h, [CodeSize])];
    }

    /// <inheritdoc />
    public override string Decoder(OnnxGraphBuilder graph, string code)
    {
        string h = code;
        int last = State.Keys.Count(k => k.StartsWith(_tied ? "decoder_bias." : "decoder.", StringComparison.Ordinal) && k.EndsWith(_tied ? string.Empty : ".weight", StringComparison.Ordinal)) - 1;
        for (int i = 0; i <= last; i++)
        {
            if (_tied)
            {
                // The mirrored encoder weight W [out_enc, in_enc] = [in_dec, out_dec]: h W + b (Gemm without transposition).
                string mirrored = $"encoder.{_depth - 1 - i}.weight";
                h = graph.Node("Gemm", [h, graph.Weight(mirrored, OnnxLayers.Get(State, mirrored)), graph.Weight($"decoder_bias.{i}", OnnxLayers.Get(State, $"decoder_bias.{i}"))]);
            }
            else
            {
                h = OnnxLayers.Linear(graph, State, $"decoder.{i}", h);
            }

            if (_batchNorm && i < last)
            {
                h = OnnxLayers.BatchNorm(graph, State, $"decoder_norm.{i}", h, 1e-5);
            }

            h = OnnxLayers.Activate(graph, _decoderActivation(i), h);
        }

        return OnnxLayers.Reshape(graph, h, InputShape);
    }
}
