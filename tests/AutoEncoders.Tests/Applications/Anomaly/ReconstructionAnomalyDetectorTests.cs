using AutoEncoders.Applications.Anomaly;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Applications.Anomaly;

public sealed class ReconstructionAnomalyDetectorTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Scores_are_per_feature_squared_errors_and_the_fpr_threshold_flags_that_share_of_normal_samples()
    {
        TorchRuntime.Configure(new RuntimeOptions { Seed = 5 });
        using Autoencoder model = new DenseAutoencoderConfig { Layers = [6, 3], OutputActivation = Activation.Linear }.Build();
        using var generator = new Generator(6);
        Tensor samples = torch.randn(200, 6, generator: generator);
        var detector = new ReconstructionAnomalyDetector(model, batchSize: 64);

        Tensor features = detector.FeatureScores(samples);
        Tensor expected;
        using (torch.no_grad())
        {
            model.eval();
            expected = (samples - model.Reconstruct(samples)).square();
        }

        Assert.True(features.allclose(expected, rtol: 1e-5, atol: 1e-6));
        double[] scores = detector.Score(samples);
        Assert.Equal(expected.mean([1]).data<float>()[17], scores[17], 1e-5);

        detector.CalibrateFalsePositiveRate(samples, 0.1);
        int flagged = detector.Detect(samples).Count(f => f);
        Assert.InRange(flagged, 19, 21);

        string path = _temp.File("scores.csv");
        ReconstructionAnomalyDetector.WriteScores(path, scores, detector.Threshold, [.. Enumerable.Range(0, 200).Select(i => i < 10)], features, ["a", "b", "c", "d", "e", "f"]);
        string[] lines = File.ReadAllLines(path);
        Assert.Equal("index,score,anomaly,flagged,error_a,error_b,error_c,error_d,error_e,error_f", lines[0]);
        Assert.Equal(201, lines.Length);
        Assert.StartsWith("0,", lines[1], StringComparison.Ordinal);
    }
}
