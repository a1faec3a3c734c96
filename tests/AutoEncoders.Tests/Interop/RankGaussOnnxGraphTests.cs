using AutoEncoders.Applications.Anomaly;
using AutoEncoders.Interop.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Interop;

/// <summary>
/// The rank-Gauss transform as ONNX nodes (the knn-max detector's third part) gives exactly the library's values in
/// ONNX Runtime at every edge of the search: values below and above every reference value, on a tie block, within
/// the tie tolerance of one, between two, in a column of one repeated value, and with a single reference row.
/// </summary>
public sealed class RankGaussOnnxGraphTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(1000)]
    public void The_graph_gives_the_library_values_exactly(int referenceRows)
    {
        var random = new Random(referenceRows);
        // Column 0 continuous, column 1 five levels (tie blocks), column 2 one repeated value.
        float[] reference = [.. Enumerable.Range(0, referenceRows).SelectMany(_ => new[] { (float)((random.NextDouble() * 4) - 2), random.Next(5), 3f })];
        float[] queries =
        [
            -10f, -1f, 3f,                   // below every value; a tie level; the repeated value
            10f, 4f, 3.00001f,               // above every value; the top level; within the tolerance
            0.123f, 2.5f, 2.9f,              // between values
            reference[0], 2.000009f, -3f,    // a reference value itself; a level within the tolerance; below the repeated value
        ];
        using Tensor rows = torch.tensor(reference, [referenceRows, 3]);
        using Tensor columns = RankGaussTransform.Fit(rows);
        using Tensor expected = RankGaussTransform.Apply(columns, torch.tensor(queries, [4, 3]));

        var graph = new OnnxGraphBuilder();
        graph.Output("gauss", RankGaussOnnxGraph.Transform(graph, graph.Input("input", [3]), columns), [3]);
        string file = _temp.Write("rank-gauss.onnx", graph.ToModel("rank_gauss", []));
        float[] actual = OnnxRuntimeRun.Run(file, ("input", queries, [4, 3]))["gauss"].Values;

        Assert.Equal(expected.data<float>().ToArray(), actual);
        Assert.Equal(string.Empty, OnnxRuntimeRun.Check(file));
    }
}
