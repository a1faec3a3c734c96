using AutoEncoders.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Interop.Onnx;

/// <summary>
/// How one model kind becomes ONNX: its encoder (input to code, and for variational models mean and log-variance),
/// its decoder (code to reconstruction) and the whole autoencoder, each emitted into a graph builder.
/// </summary>
internal abstract class OnnxModelGraphs
{
    /// <summary>Reads the weights of <paramref name="model"/> (its state dictionary, parameters and buffers).</summary>
    protected OnnxModelGraphs(Autoencoder model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        State = model.state_dict();
    }

    /// <summary>The model exported.</summary>
    protected Autoencoder Model { get; }

    /// <summary>Its weights and buffers by state-dictionary key.</summary>
    protected IReadOnlyDictionary<string, Tensor> State { get; }

    /// <summary>Shape of one input sample, e.g. [784], [1, 28, 28] or [T, F].</summary>
    public long[] InputShape => Model.Config.InputShape;

    /// <summary>Values in one (flattened) code.</summary>
    public long CodeSize => Model.Config.CodeShape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Why the model has no decoder graph of its own (it needs more than a code), or null.</summary>
    public virtual string? DecoderRefusal => null;

    /// <summary>Emits the encoder on <paramref name="input"/>; returns its outputs by name, "code" [B, code size] always among them.</summary>
    public abstract IReadOnlyList<(string Name, string Value, long[] Shape)> Encoder(OnnxGraphBuilder graph, string input);

    /// <summary>Emits the decoder on codes [B, code size]; returns the reconstruction [B, ..input shape].</summary>
    public abstract string Decoder(OnnxGraphBuilder graph, string code);

    /// <summary>Emits the whole autoencoder on <paramref name="input"/> (deterministic: a variational model decodes the mean).</summary>
    public virtual string Autoencoder(OnnxGraphBuilder graph, string input) =>
        Decoder(graph, Encoder(graph, input).First(o => o.Name == "code").Value);

    /// <summary>The exporter for <paramref name="model"/>'s kind.</summary>
    /// <exception cref="NotSupportedException">The model or one of its layers has no ONNX form; the message names it.</exception>
    public static OnnxModelGraphs For(Autoencoder model) => model switch
    {
        Models.Dense.DenseAutoencoder dense => new DenseOnnxGraphs(dense),
        Models.Adversarial.AdversarialAutoencoder adversarial => new DenseOnnxGraphs(adversarial),
        Models.Variational.VariationalAutoencoder vae => new VariationalOnnxGraphs(vae),
        Models.Variational.ConvolutionalVariationalAutoencoder convVae => new ConvolutionalOnnxGraphs(convVae),
        Models.Convolutional.ConvolutionalAutoencoder conv => new ConvolutionalOnnxGraphs(conv),
        Models.Sequence.SequenceAutoencoder sequence => new SequenceOnnxGraphs(sequence),
        Models.Wasserstein.WassersteinAutoencoder wae => new DenseOnnxGraphs(wae.Network),
        Models.Variational.ConditionalVariationalAutoencoder => throw new NotSupportedException(
            "ONNX export: a conditional VAE (kind \"cvae\") takes a class label beside its input, which the exported graphs (one input each) cannot carry; use it from .NET or `ae generate --class N`."),
        null => throw new ArgumentNullException(nameof(model)),
        _ => throw new NotSupportedException($"ONNX export: model {model.GetType().Name} has no ONNX form."),
    };
}
