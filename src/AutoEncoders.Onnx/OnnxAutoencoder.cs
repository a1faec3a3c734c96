using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;

namespace AutoEncoders.Onnx;

/// <summary>
/// An autoencoder exported by <c>ae export --format onnx</c>, run by ONNX Runtime alone: no libtorch, no TorchSharp.
/// It loads the folder's encoder.onnx ("input" to "code"), decoder.onnx ("code" to "reconstruction"),
/// autoencoder.onnx ("input" to "reconstruction") and detector.onnx (raw rows "input" to "score"), whichever are
/// there, and reads their metadata (ae.kind, ae.input_shape, ae.code_size, ae.normalisation, ae.threshold).
/// </summary>
/// <remarks>
/// Every method takes one row or a batch: a span of N whole rows, flattened row after row (N x <see cref="InputSize"/>
/// values), and returns N results, flattened the same way. The methods are safe to call from several threads at once
/// (ONNX Runtime sessions are). Inputs go in as the model was trained on them: <see cref="Normalisation"/> says how
/// raw data was scaled and <see cref="Normalise"/> applies it (the detector takes raw rows and scales them itself).
/// </remarks>
public sealed class OnnxAutoencoder : IDisposable
{
    /// <summary>File name of the encoder graph.</summary>
    public const string EncoderFile = "encoder.onnx";

    /// <summary>File name of the decoder graph.</summary>
    public const string DecoderFile = "decoder.onnx";

    /// <summary>File name of the whole autoencoder's graph.</summary>
    public const string AutoencoderFile = "autoencoder.onnx";

    /// <summary>File name of an anomaly detector's scoring graph.</summary>
    public const string DetectorFile = "detector.onnx";

    private readonly Dictionary<string, OnnxPart> _parts;
    private readonly InputNormalisation _normalisation;

    private OnnxAutoencoder(string directory, Dictionary<string, OnnxPart> parts)
    {
        Directory = directory;
        _parts = parts;
        OnnxPart first = parts.Values.First();
        IReadOnlyDictionary<string, string> metadata = first.Metadata;
        Kind = metadata["ae.kind"];
        InputShape = Shape(first, "ae.input_shape");
        InputSize = InputShape.Aggregate(1L, (a, b) => a * b);
        CodeSize = metadata.TryGetValue("ae.code_size", out string? code) && long.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out long size) ? size : 0;
        Normalisation = metadata.TryGetValue("ae.normalisation", out string? normalisation) ? normalisation : "{\"kind\":\"none\"}";
        Config = metadata.TryGetValue("ae.config", out string? config) ? config : "{}";
        _normalisation = InputNormalisation.Parse(Normalisation, InputShape, first.Path);
        if (parts.TryGetValue(DetectorFile, out OnnxPart? detector) && detector.Metadata.TryGetValue("ae.threshold", out string? threshold))
        {
            Threshold = double.TryParse(threshold, NumberStyles.Float, CultureInfo.InvariantCulture, out double t)
                ? t
                : throw OnnxPart.Refusal(detector.Path, "metadata \"ae.threshold\"", $"expected a number, found \"{threshold}\"");
        }
    }

    /// <summary>The folder the files came from.</summary>
    public string Directory { get; }

    /// <summary>The model kind ("dense", "convolutional", "vae", "sequence", ...), from ae.kind.</summary>
    public string Kind { get; }

    /// <summary>The shape of one input row, e.g. [784] or [1, 28, 28], from ae.input_shape.</summary>
    public IReadOnlyList<long> InputShape { get; }

    /// <summary>Values in one input row (the product of <see cref="InputShape"/>).</summary>
    public long InputSize { get; }

    /// <summary>Values in one code, from ae.code_size.</summary>
    public long CodeSize { get; }

    /// <summary>How raw data was scaled before training (ae.normalisation, JSON; <c>{"kind":"none"}</c> when it was not).</summary>
    public string Normalisation { get; }

    /// <summary>The architecture, as the model section of model.json (ae.config, JSON).</summary>
    public string Config { get; }

    /// <summary>The detector's threshold (ae.threshold): a score above it flags an anomaly; null without a detector.</summary>
    public double? Threshold { get; }

    /// <summary>The files that were loaded (among encoder.onnx, decoder.onnx, autoencoder.onnx, detector.onnx).</summary>
    public IReadOnlyCollection<string> Files => _parts.Keys;

    /// <summary>Loads the .onnx files of <paramref name="directory"/>; at least one of the four must be there.</summary>
    /// <exception cref="DirectoryNotFoundException">There is no such folder.</exception>
    /// <exception cref="FileNotFoundException">The folder holds none of the four files.</exception>
    /// <exception cref="InvalidDataException">A file is not ONNX, or lacks the metadata <c>ae export</c> writes; the message reads "FILE: WHERE: WHAT".</exception>
    public static OnnxAutoencoder Load(string directory, OnnxAutoencoderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!System.IO.Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"{directory}: no such folder of exported .onnx files.");
        }

        options ??= new OnnxAutoencoderOptions();
        var parts = new Dictionary<string, OnnxPart>(StringComparer.Ordinal);
        try
        {
            foreach (string file in new[] { EncoderFile, DecoderFile, AutoencoderFile, DetectorFile })
            {
                string path = Path.Combine(directory, file);
                if (File.Exists(path))
                {
                    parts[file] = OnnxPart.Open(path, options);
                }
            }

            if (parts.Count == 0)
            {
                throw new FileNotFoundException($"{directory}: holds none of {EncoderFile}, {DecoderFile}, {AutoencoderFile}, {DetectorFile}; write them with `ae export MODEL --format onnx -o {directory}`.");
            }

            return new OnnxAutoencoder(Path.GetFullPath(directory), parts);
        }
        catch
        {
            foreach (OnnxPart part in parts.Values)
            {
                part.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// Raw rows scaled as the model's inputs were in training (<see cref="Normalisation"/>): image pixels 0-255 divided
    /// by 255, table columns standardised or min-max scaled; a copy when the model takes its inputs as they are.
    /// </summary>
    public float[] Normalise(ReadOnlySpan<float> rawRows) => _normalisation.Apply(rawRows);

    /// <summary>The codes of N input rows (N x <see cref="InputSize"/> values): N x <see cref="CodeSize"/> values (posterior means for variational models).</summary>
    public float[] Encode(ReadOnlySpan<float> inputs) => Part(EncoderFile).Run("input", inputs, InputShape, "code");

    /// <summary>The code of each row.</summary>
    public float[][] Encode(IReadOnlyList<float[]> rows) => Split(Encode(Join(rows, InputSize)), rows.Count);

    /// <summary>The reconstructions of N codes (N x <see cref="CodeSize"/> values): N x <see cref="InputSize"/> values.</summary>
    public float[] Decode(ReadOnlySpan<float> codes) => Part(DecoderFile).Run("code", codes, [CodeSize], "reconstruction");

    /// <summary>The reconstruction of each code.</summary>
    public float[][] Decode(IReadOnlyList<float[]> codes) => Split(Decode(Join(codes, CodeSize)), codes.Count);

    /// <summary>The reconstructions of N input rows: N x <see cref="InputSize"/> values.</summary>
    public float[] Reconstruct(ReadOnlySpan<float> inputs) => Part(AutoencoderFile).Run("input", inputs, InputShape, "reconstruction");

    /// <summary>The reconstruction of each row.</summary>
    public float[][] Reconstruct(IReadOnlyList<float[]> rows) => Split(Reconstruct(Join(rows, InputSize)), rows.Count);

    /// <summary>
    /// One anomaly score per row: detector.onnx's score (raw rows, compare with <see cref="Threshold"/>) when the
    /// folder has one, else the mean squared reconstruction error of each row through autoencoder.onnx.
    /// </summary>
    public float[] Score(ReadOnlySpan<float> inputs)
    {
        if (_parts.TryGetValue(DetectorFile, out OnnxPart? detector))
        {
            return detector.Run("input", inputs, detector.InputRowShape, "score");
        }

        float[] reconstruction = Reconstruct(inputs);
        var scores = new float[inputs.Length / InputSize];
        for (int row = 0; row < scores.Length; row++)
        {
            double sum = 0;
            int offset = checked((int)(row * InputSize));
            for (int i = 0; i < InputSize; i++)
            {
                double d = inputs[offset + i] - reconstruction[offset + i];
                sum += d * d;
            }

            scores[row] = (float)(sum / InputSize);
        }

        return scores;
    }

    /// <summary>The anomaly score of each row (see <see cref="Score(ReadOnlySpan{float})"/>).</summary>
    public float[] Score(IReadOnlyList<float[]> rows)
    {
        long width = _parts.TryGetValue(DetectorFile, out OnnxPart? detector) ? detector.InputRowSize : InputSize;
        return Score(Join(rows, width));
    }

    /// <summary>The metadata of one loaded file (all its metadata_props).</summary>
    /// <exception cref="InvalidOperationException">That file is not in the folder.</exception>
    public IReadOnlyDictionary<string, string> Metadata(string file) => Part(file).Metadata;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (OnnxPart part in _parts.Values)
        {
            part.Dispose();
        }
    }

    private OnnxPart Part(string file) =>
        _parts.TryGetValue(file, out OnnxPart? part)
            ? part
            : throw new InvalidOperationException($"{Path.Combine(Directory, file)}: missing; this {Kind} model was exported without it (a model whose decoder needs more than a code has no decoder.onnx).");

    private static long[] Shape(OnnxPart part, string key)
    {
        try
        {
            long[]? shape = JsonSerializer.Deserialize<long[]>(part.Metadata[key]);
            return shape is { Length: > 0 } && shape.All(s => s > 0) ? shape : throw new JsonException("empty or non-positive");
        }
        catch (JsonException)
        {
            throw OnnxPart.Refusal(part.Path, $"metadata \"{key}\"", $"expected a JSON array of positive sizes, found \"{part.Metadata[key]}\"");
        }
    }

    private static float[] Join(IReadOnlyList<float[]> rows, long width)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var values = new float[checked(rows.Count * width)];
        for (int i = 0; i < rows.Count; i++)
        {
            if (rows[i].Length != width)
            {
                throw new ArgumentException($"row {i} holds {rows[i].Length} values; expected {width}.", nameof(rows));
            }

            rows[i].CopyTo(values, i * width);
        }

        return values;
    }

    private static float[][] Split(float[] values, int count)
    {
        var rows = new float[count][];
        int width = count == 0 ? 0 : values.Length / count;
        for (int i = 0; i < count; i++)
        {
            rows[i] = values.AsSpan(i * width, width).ToArray();
        }

        return rows;
    }
}
