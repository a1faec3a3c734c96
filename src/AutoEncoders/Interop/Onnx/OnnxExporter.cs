using System.Globalization;
using System.Text.Json;
using AutoEncoders.Models;
using AutoEncoders.Persistence;
using TorchSharp;

namespace AutoEncoders.Interop.Onnx;

/// <summary>
/// Writes a trained autoencoder as ONNX files that ONNX Runtime (or any ONNX opset 17 runtime) runs without libtorch:
/// <c>encoder.onnx</c> (input "input" [batch, ..input shape] to "code" [batch, code size]; variational models also
/// give "mean" and "log_variance"), <c>decoder.onnx</c> ("code" to "reconstruction" [batch, ..input shape]) and
/// <c>autoencoder.onnx</c> ("input" to "reconstruction"). Every file carries metadata (ae.kind, ae.part,
/// ae.input_shape, ae.code_size, ae.normalisation, ae.config). TorchSharp has no ONNX export (dotnet/TorchSharp#1281);
/// this one reads the model's configuration and state dictionary and writes the graph itself. See docs/onnx.md.
/// </summary>
public static class OnnxExporter
{
    /// <summary>File name of the encoder graph.</summary>
    public const string EncoderFile = "encoder.onnx";

    /// <summary>File name of the decoder graph.</summary>
    public const string DecoderFile = "decoder.onnx";

    /// <summary>File name of the whole autoencoder's graph.</summary>
    public const string AutoencoderFile = "autoencoder.onnx";

    /// <summary>The operator set of every exported file.</summary>
    public const int Opset = OnnxGraphBuilder.Opset;

    /// <summary>The normalisation metadata of a model whose inputs go in as they are.</summary>
    public const string NoNormalisation = "{\"kind\":\"none\"}";

    private static readonly JsonSerializerOptions CompactJson = new(JsonDefaults.Options) { WriteIndented = false };

    /// <summary>
    /// Writes the files of <paramref name="model"/> into <paramref name="directory"/> and returns their paths. Every
    /// graph is built before the first file is written, and each file is written under a temporary name and renamed,
    /// so a refusal or a failure leaves no partial file.
    /// </summary>
    /// <param name="model">The trained model (put in evaluation mode by the export).</param>
    /// <param name="directory">The output folder (created when missing).</param>
    /// <param name="normalisation">ae.normalisation: how raw inputs must be scaled before they go in (JSON, see docs/onnx.md).</param>
    /// <exception cref="NotSupportedException">A layer has no ONNX equivalent; the message names it.</exception>
    public static IReadOnlyList<string> Export(Autoencoder model, string directory, string normalisation = NoNormalisation)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        IReadOnlyList<(string File, byte[] Bytes)> files = Build(model, normalisation);
        return Write(directory, files);
    }

    /// <summary>The exported files as (file name, ModelProto bytes), built in memory: encoder, decoder (when the model has one of its own) and autoencoder.</summary>
    /// <exception cref="NotSupportedException">A layer has no ONNX equivalent; the message names it.</exception>
    public static IReadOnlyList<(string File, byte[] Bytes)> Build(Autoencoder model, string normalisation = NoNormalisation)
    {
        ArgumentNullException.ThrowIfNull(model);
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = torch.no_grad();
            OnnxModelGraphs graphs = OnnxModelGraphs.For(model);
            var files = new List<(string, byte[])>();

            var encoder = new OnnxGraphBuilder();
            foreach ((string name, string value, long[] shape) in graphs.Encoder(encoder, encoder.Input("input", graphs.InputShape)))
            {
                encoder.Output(name, value, shape);
            }

            files.Add((EncoderFile, encoder.ToModel("encoder", Metadata(model, "encoder", normalisation))));
            if (graphs.DecoderRefusal is null)
            {
                var decoder = new OnnxGraphBuilder();
                decoder.Output("reconstruction", graphs.Decoder(decoder, decoder.Input("code", [graphs.CodeSize])), graphs.InputShape);
                files.Add((DecoderFile, decoder.ToModel("decoder", Metadata(model, "decoder", normalisation))));
            }

            var autoencoder = new OnnxGraphBuilder();
            autoencoder.Output("reconstruction", graphs.Autoencoder(autoencoder, autoencoder.Input("input", graphs.InputShape)), graphs.InputShape);
            files.Add((AutoencoderFile, autoencoder.ToModel("autoencoder", Metadata(model, "autoencoder", normalisation))));
            return files;
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>Why <paramref name="model"/> gets no decoder.onnx (its decoder needs more than a code), or null when it gets one.</summary>
    public static string? DecoderRefusal(Autoencoder model) => OnnxModelGraphs.For(model).DecoderRefusal;

    /// <summary>The metadata every file of <paramref name="model"/> carries, for part <paramref name="part"/>.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Metadata(Autoencoder model, string part, string normalisation)
    {
        ArgumentNullException.ThrowIfNull(model);
        ModelConfig config = model.Config;
        string json = JsonSerializer.Serialize(config, CompactJson);
        using JsonDocument document = JsonDocument.Parse(json);
        string kind = document.RootElement.GetProperty("kind").GetString() ?? "unknown";
        return
        [
            new("ae.format", "1"),
            new("ae.kind", kind),
            new("ae.part", part),
            new("ae.input_shape", $"[{string.Join(",", config.InputShape.Select(d => d.ToString(CultureInfo.InvariantCulture)))}]"),
            new("ae.code_size", config.CodeShape.Aggregate(1L, (a, b) => a * b).ToString(CultureInfo.InvariantCulture)),
            new("ae.normalisation", normalisation),
            new("ae.config", json),
        ];
    }

    /// <summary>Writes <paramref name="files"/> into <paramref name="directory"/>, each atomically; returns the paths.</summary>
    public static IReadOnlyList<string> Write(string directory, IReadOnlyList<(string File, byte[] Bytes)> files)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(files);
        if (File.Exists(directory))
        {
            throw new ArgumentException($"{directory}: exists and is a file; -o/--out names the folder to write the .onnx files into.");
        }

        AtomicFile.CreateFolder(directory, "cannot write the .onnx files there");
        var paths = new List<string>();
        foreach ((string file, byte[] bytes) in files)
        {
            string path = Path.Combine(directory, file);
            AtomicFile.WriteAllBytes(path, bytes);
            paths.Add(path);
        }

        return paths;
    }
}
