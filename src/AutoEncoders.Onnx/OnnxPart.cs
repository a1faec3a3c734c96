using Microsoft.ML.OnnxRuntime;

namespace AutoEncoders.Onnx;

/// <summary>One exported .onnx file in an ONNX Runtime session, with its metadata and a batch runner.</summary>
internal sealed class OnnxPart : IDisposable
{
    private readonly InferenceSession _session;

    private OnnxPart(string path, InferenceSession session, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        _session = session;
        Metadata = metadata;
        string input = session.InputNames[0];
        InputRowShape = session.InputMetadata[input].Dimensions.Skip(1).Select(d => (long)d).ToArray();
        InputRowSize = InputRowShape.Aggregate(1L, (a, b) => a * b);
    }

    public string Path { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The shape of one row of the first input (its declared shape without the batch axis).</summary>
    public IReadOnlyList<long> InputRowShape { get; }

    public long InputRowSize { get; }

    /// <summary>Opens <paramref name="path"/>, refusing a file ONNX Runtime cannot load or one without ae.format "1".</summary>
    public static OnnxPart Open(string path, OnnxAutoencoderOptions options)
    {
        using var sessionOptions = new SessionOptions { IntraOpNumThreads = options.IntraOpThreads, InterOpNumThreads = 1 };
        InferenceSession session;
        try
        {
            session = new InferenceSession(path, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw Refusal(path, "model", $"expected an ONNX model ONNX Runtime loads; {FirstLine(e.Message)}");
        }

        try
        {
            Dictionary<string, string> metadata = session.ModelMetadata.CustomMetadataMap;
            if (!metadata.TryGetValue("ae.format", out string? format) || format != "1")
            {
                throw Refusal(path, "metadata \"ae.format\"", $"expected \"1\" (a file written by `ae export --format onnx`), found {(format is null ? "none" : $"\"{format}\"")}");
            }

            foreach (string key in new[] { "ae.kind", "ae.input_shape" })
            {
                if (!metadata.ContainsKey(key))
                {
                    throw Refusal(path, $"metadata \"{key}\"", "expected it (every file `ae export` writes has it), found none");
                }
            }

            return new OnnxPart(path, session, metadata);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs the graph on N rows of <paramref name="rowShape"/> given flat in <paramref name="values"/>; returns
    /// <paramref name="output"/> flat.
    /// </summary>
    public float[] Run(string input, ReadOnlySpan<float> values, IReadOnlyList<long> rowShape, string output)
    {
        long rowSize = rowShape.Aggregate(1L, (a, b) => a * b);
        if (values.Length % rowSize != 0)
        {
            throw new ArgumentException(
                $"{System.IO.Path.GetFileName(Path)}: input \"{input}\": expected whole rows of {rowSize} values (shape [{string.Join(", ", rowShape)}]), found {values.Length} values.", nameof(values));
        }

        long rows = values.Length / rowSize;
        if (rows == 0)
        {
            return [];
        }

        long[] shape = [rows, .. rowShape];
        using OrtValue tensor = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float, shape);
        values.CopyTo(tensor.GetTensorMutableDataAsSpan<float>());
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> results = _session.Run(runOptions, [input], [tensor], [output]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public static InvalidDataException Refusal(string path, string where, string what) => new($"{path}: {where}: {what}.");

    public void Dispose() => _session.Dispose();

    private static string FirstLine(string message) => message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "(no message)";
}
