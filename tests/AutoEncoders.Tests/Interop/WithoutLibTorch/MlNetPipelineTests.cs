using AutoEncoders.Interop.Onnx;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Runtime;
using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;
using Xunit.Abstractions;

namespace AutoEncoders.Tests.Interop.WithoutLibTorch;

/// <summary>
/// What an ML.NET user does with an exported encoder (dotnet/machinelearning#4254, #5777): an ML.NET pipeline
/// applies encoder.onnx through Microsoft.ML.OnnxTransformer, then k-means groups the codes of real MNIST test digits.
/// </summary>
public sealed class MlNetPipelineTests(MnistFixture mnist, ITestOutputHelper log) : IClassFixture<MnistFixture>
{
    private sealed class Digit
    {
        [ColumnName("input")]
        [VectorType(784)]
        public float[] Pixels { get; set; } = [];

        public uint Label { get; set; }
    }

    private sealed class Assignment
    {
        public uint Label { get; set; }

        public uint PredictedLabel { get; set; }
    }

    [Fact]
    public void An_ml_net_pipeline_applies_the_exported_encoder_and_k_means_groups_the_codes_by_digit()
    {
        using var directory = new TempDirectory();
        TorchRuntime.SetSeed(31);
        using Autoencoder model = new DenseAutoencoderConfig { Layers = [784, 128, 16] }.Build();
        BriefTraining.Run(model, mnist.First(6000).Features, steps: 150, learningRate: 2e-3);
        OnnxExporter.Export(model, directory.Path);
        float[] pixels = mnist.Test.Features.slice(0, 6000, 8000, 1).contiguous().data<float>().ToArray();
        long[] labels = mnist.Test.Labels!.slice(0, 6000, 8000, 1).data<long>().ToArray();
        Digit[] digits = Enumerable.Range(0, labels.Length).Select(i => new Digit { Pixels = pixels[(i * 784)..((i + 1) * 784)], Label = (uint)labels[i] }).ToArray();

        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(digits);
        var pipeline = ml.Transforms.ApplyOnnxModel(["code"], ["input"], directory.File(OnnxExporter.EncoderFile)).AppendCacheCheckpoint(ml)
            .Append(ml.Clustering.Trainers.KMeans(featureColumnName: "code", numberOfClusters: 10));
        IDataView clustered = pipeline.Fit(data).Transform(data);
        Assignment[] assignments = ml.Data.CreateEnumerable<Assignment>(clustered, reuseRowObject: false).ToArray();

        // Purity: each cluster counts its most common digit; chance (one cluster, or random ones) gives about 0.11.
        double purity = assignments.GroupBy(a => a.PredictedLabel).Sum(g => g.GroupBy(a => a.Label).Max(l => l.Count())) / (double)assignments.Length;
        log.WriteLine($"k-means purity on the codes of 2000 MNIST test digits: {purity:F3}");
        Assert.Equal(2000, assignments.Length);
        Assert.True(purity > 0.45, $"k-means purity on the codes {purity:F3}");
    }
}
