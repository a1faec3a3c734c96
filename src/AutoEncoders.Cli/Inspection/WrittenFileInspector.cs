using System.Globalization;
using AutoEncoders.Applications.Search;
using AutoEncoders.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Cli.Inspection;

/// <summary>
/// Says what a file that `ae` itself writes holds: a NumPy .npy array (codes, reconstructions, samples) or a code
/// index (.aeidx). Unlike the data files, these are read with the library's own readers, which load libtorch.
/// </summary>
internal static class WrittenFileInspector
{
    public static bool IsNpy(ReadOnlySpan<byte> start) => start.StartsWith(NpyFile.Magic);

    public static bool IsCodeIndex(ReadOnlySpan<byte> start) => start.StartsWith(CodeIndex.Magic);

    public static void InspectNpy(string path, TextWriter output)
    {
        using var scope = torch.NewDisposeScope();
        Tensor array = NpyFile.Read(path);
        Tensor values = array.to_type(ScalarType.Float64);
        output.WriteLine($"{path}");
        output.WriteLine("  format        NumPy .npy");
        output.WriteLine($"  shape         {string.Join(" x ", array.shape)}");
        output.WriteLine($"  element type  {array.dtype switch { ScalarType.Float32 => "Float32", ScalarType.Float64 => "Float64", _ => "Int64" }}");
        output.WriteLine($"  value range   {Number(values.min().item<double>())} .. {Number(values.max().item<double>())}");
        if (array.dim() == 2 && array.is_floating_point())
        {
            // Codes written by `ae encode` are [N, k]: a spread of zero means every sample got the same code.
            output.WriteLine($"  column spread {Number(values.std(0).mean().item<double>())} (mean standard deviation of the {array.shape[1]} columns)");
        }
    }

    public static void InspectCodeIndex(string path, TextWriter output)
    {
        using CodeIndex index = CodeIndex.Load(path);
        output.WriteLine($"{path}");
        output.WriteLine($"  format        code index (.aeidx, version {CodeIndex.FormatVersion})");
        output.WriteLine($"  items         {index.Count}");
        output.WriteLine($"  dimensions    {index.Dimensions}");
        output.WriteLine($"  source        {(index.Source.Length == 0 ? "(none recorded)" : index.Source)}");
        output.WriteLine($"  ids           {(index.Ids is null ? "none" : "one per item")}");
        if (index.Count > 0)
        {
            using var scope = torch.NewDisposeScope();
            output.WriteLine($"  value range   {Number(index.Codes.min().item<float>())} .. {Number(index.Codes.max().item<float>())}");
        }

        if (index.Labels is null)
        {
            output.WriteLine("  labels        none");
            return;
        }

        Dictionary<long, long> counts = index.Labels.GroupBy(l => l).ToDictionary(g => g.Key, g => (long)g.Count());
        output.WriteLine($"  labels        {counts.Count} distinct values in {index.Count} items");
        if (counts.Count > 0)
        {
            DataFileInspector.WriteCounts(counts, null, output);
        }
    }

    private static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
