using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace AutoEncoders.Tests.Interop;

/// <summary>Runs exported files in ONNX Runtime and through Debian's onnx checker, for the export tests.</summary>
internal static class OnnxRuntimeRun
{
    /// <summary>Runs <paramref name="path"/> on float inputs; returns every output as (values, shape).</summary>
    public static Dictionary<string, (float[] Values, long[] Shape)> Run(string path, params (string Name, float[] Values, long[] Shape)[] inputs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(path, options);
        var values = inputs.Select(i => OrtValue.CreateTensorValueFromMemory(i.Values, i.Shape)).ToList();
        try
        {
            using var run = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> results = session.Run(run, [.. inputs.Select(i => i.Name)], values, session.OutputNames);
            var outputs = new Dictionary<string, (float[], long[])>();
            for (int i = 0; i < results.Count; i++)
            {
                outputs[session.OutputNames[i]] = (results[i].GetTensorDataAsSpan<float>().ToArray(), results[i].GetTensorTypeAndShape().Shape);
            }

            return outputs;
        }
        finally
        {
            values.ForEach(v => v.Dispose());
        }
    }

    /// <summary>The file's metadata_props as ONNX Runtime reads them.</summary>
    public static Dictionary<string, string> Metadata(string path)
    {
        using var session = new InferenceSession(path);
        return session.ModelMetadata.CustomMetadataMap;
    }

    /// <summary>The input and output names and shapes (-1 for a dynamic axis), as ONNX Runtime reads them.</summary>
    public static (Dictionary<string, int[]> Inputs, Dictionary<string, int[]> Outputs) Signature(string path)
    {
        using var session = new InferenceSession(path);
        return (session.InputMetadata.ToDictionary(m => m.Key, m => m.Value.Dimensions), session.OutputMetadata.ToDictionary(m => m.Key, m => m.Value.Dimensions));
    }

    /// <summary>
    /// Runs onnx.checker.check_model(model, full_check=True) of Debian's python3-onnx on each file; returns the
    /// checker's output (empty when every file passes) so a failure shows why.
    /// </summary>
    public static string Check(params string[] paths)
    {
        const string Script = "import onnx,sys\nfor p in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(p), full_check=True)\n";
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        foreach (string path in paths)
        {
            start.ArgumentList.Add(path);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("/usr/bin/python3 did not start.");
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? string.Empty : $"exit {process.ExitCode}: {output}";
    }
}
