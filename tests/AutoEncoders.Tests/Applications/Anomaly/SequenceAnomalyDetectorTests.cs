using AutoEncoders.Applications.Anomaly;
using AutoEncoders.Evaluation;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Runtime;
using AutoEncoders.Tests.Models.Sequence;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace AutoEncoders.Tests.Applications.Anomaly;

public sealed class SequenceAnomalyDetectorTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(SequenceDetectorKind.Dense, SequenceScore.Reconstruction)]
    [InlineData(SequenceDetectorKind.Dense, SequenceScore.Combined)]
    [InlineData(SequenceDetectorKind.Dense, SequenceScore.Neighbours)]
    [InlineData(SequenceDetectorKind.Lstm, SequenceScore.Reconstruction)]
    [InlineData(SequenceDetectorKind.Gru, SequenceScore.Reconstruction)]
    public void Each_kind_trains_on_normal_waves_and_ranks_planted_anomalies_first(SequenceDetectorKind kind, SequenceScore score)
    {
        TorchRuntime.EnsureLoaded();
        using var generator = new Generator(5);

        // Raw values far from zero mean and unit scale: the detector's own per-channel z-score must handle them.
        using Tensor normal = (SineWaves.Normal(100, 24, generator) * 40) + 300;
        using Tensor test = (SineWaves.Normal(30, 24, generator) * 40) + 300;

        // A defect on a wave leaves its code near normal codes (its reconstruction error gives it away); a square
        // wave is a shape no normal wave has, which the latent distance alone finds, if less surely.
        using Tensor anomalies = score == SequenceScore.Neighbours
            ? (SineWaves.Normal(30, 24, generator).sign() * 40) + 300
            : (SineWaves.Anomalous(30, 24, generator) * 40) + 300;
        bool dense = kind == SequenceDetectorKind.Dense;
        var options = new SequenceDetectorOptions
        {
            Kind = kind,
            Score = score,
            Seed = 2,
            Epochs = dense ? null : 40,
            LearningRate = dense ? 1e-3 : 5e-3,
            HiddenSize = dense ? null : 32,
            CodeSize = dense ? null : 8,
        };

        SequenceDetectorFit fit = SequenceAnomalyDetector.Train(normal, options);
        using SequenceAnomalyDetector detector = fit.Detector;
        double[] scores = detector.Score(torch.cat([test, anomalies]));
        bool[] labels = [.. Enumerable.Repeat(false, 30), .. Enumerable.Repeat(true, 30)];
        double auc = BinaryClassificationMetrics.RocAuc(scores, labels);

        Assert.True(auc > (score == SequenceScore.Neighbours ? 0.8 : 0.9), $"{kind} {score}: ROC-AUC {auc:F3}");
        Assert.Equal(80, fit.TrainingScores.Count);
        Assert.Equal(20, fit.HeldOutScores.Count);
        Assert.InRange(detector.ChannelMean[0], 290, 310);
        Assert.InRange(detector.ChannelScale[0], 10, 40);
        Assert.True(fit.History.Epochs.Count <= fit.Options.Epochs, "early stopping never runs past the epoch budget");
        Assert.Equal(score != SequenceScore.Reconstruction, detector.ReferenceCodes is not null);
    }

    [Fact]
    public void Defaults_are_sized_from_the_data_by_the_stated_rule()
    {
        // ECG200: 55 normal training beats of 96 steps after the hold-out.
        SequenceDetectorOptions ecg = new SequenceDetectorOptions().Resolve(55, 96, 1);
        Assert.Equal((48, 6, 8, 429, 5), (ecg.HiddenSize, ecg.CodeSize, ecg.BatchSize, ecg.Epochs, ecg.Smoothing));

        // A long three-channel recording cut into 20,000 windows of 64 steps.
        SequenceDetectorOptions windows = new SequenceDetectorOptions().Resolve(20_000, 64, 3);
        Assert.Equal((96, 12, 256, 38, 3), (windows.HiddenSize, windows.CodeSize, windows.BatchSize, windows.Epochs, windows.Smoothing));

        SequenceDetectorOptions lstm = new SequenceDetectorOptions { Kind = SequenceDetectorKind.Lstm, HiddenSize = 20 }.Resolve(55, 96, 1);
        Assert.Equal((20, 12, 143, 5), (lstm.HiddenSize, lstm.CodeSize, lstm.Epochs, lstm.Smoothing));
        Assert.Equal(1, new SequenceDetectorOptions().Resolve(55, 39, 1).Smoothing);
        Assert.Contains("validation fraction", Assert.Throws<ArgumentException>(() => new SequenceDetectorOptions { ValidationFraction = 1 }.Validate()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Smoothing_averages_the_residual_over_neighbouring_steps_before_squaring()
    {
        TorchRuntime.EnsureLoaded();

        // A dense model with every weight zero reconstructs 0, so the residual is the series itself.
        using Autoencoder model = new DenseAutoencoderConfig { Layers = [8, 4, 2], OutputActivation = Activation.Linear }.Build();
        using (torch.no_grad())
        {
            foreach (Parameter p in model.parameters())
            {
                p.zero_();
            }
        }

        model.eval();
        using var detector = new SequenceAnomalyDetector(model, length: 8, channels: 1);
        using Tensor series = torch.tensor(new float[] { 0, 0, 0, 3, 0, 0, 0, 6 }).reshape(1, 8, 1);
        using Tensor raw = detector.StepScores(series);
        Assert.Equal([0, 0, 0, 9, 0, 0, 0, 36], raw.data<float>().ToArray());

        // Centred 3-step mean; at the ends, the mean of the steps inside the series (6 / 2 = 3 at the last step).
        detector.Smoothing = 3;
        using Tensor smoothed = detector.StepScores(series);
        Assert.Equal([0, 0, 1, 1, 1, 0, 4, 9], smoothed.data<float>().Select(v => MathF.Round(v, 4)).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => detector.Smoothing = 0);
    }

    [Fact]
    public void A_saved_folder_scores_exactly_as_the_detector_that_wrote_it()
    {
        TorchRuntime.EnsureLoaded();
        using var generator = new Generator(9);
        using Tensor normal = SineWaves.Normal(60, 16, generator);
        using Tensor anomalies = SineWaves.Anomalous(8, 16, generator);
        SequenceDetectorFit fit = SequenceAnomalyDetector.Train(normal, new SequenceDetectorOptions { Score = SequenceScore.Combined, Smoothing = 3, Epochs = 30, Seed = 4 });
        using SequenceAnomalyDetector detector = fit.Detector;
        ChosenThreshold threshold = AnomalyThreshold.Choose(fit.TrainingScores, fit.HeldOutScores, contamination: 0.1);
        detector.Threshold = threshold.Value;
        string folder = _temp.File("detector");
        detector.Save(folder, detector.Describe() with { Rule = threshold.Rule });

        (SequenceAnomalyDetector loaded, SequenceDetectorFile settings) = SequenceAnomalyDetector.Load(folder);
        using (loaded)
        {
            Assert.Equal(detector.Score(anomalies), loaded.Score(anomalies));
            Assert.Equal((SequenceScore.Combined, 3), (settings.Score, settings.Smoothing));
            Assert.Equal(threshold.Value, loaded.Threshold);
            Assert.StartsWith("contamination 0.1", settings.Rule, StringComparison.Ordinal);
        }

        // The contamination rule flags about that share of the training series.
        double flagged = fit.TrainingScores.Count(s => s > threshold.Value) / (double)fit.TrainingScores.Count;
        Assert.InRange(flagged, 0.06, 0.12);
    }

    [Fact]
    public void Sliding_windows_cover_every_step_and_spread_window_scores_onto_steps()
    {
        var even = new SlidingWindows(length: 10, window: 4, stride: 3);
        Assert.Equal([0, 3, 6], even.Starts);
        var uneven = new SlidingWindows(length: 11, window: 4, stride: 3);
        Assert.Equal([0, 3, 6, 7], uneven.Starts);

        // Step 3 is covered by windows 0 and 1, step 7 by windows 2 and 3, step 10 by window 3 alone.
        double[] steps = uneven.StepScores([1.0, 2.0, 4.0, 8.0]);
        Assert.Equal(1.5, steps[3]);
        Assert.Equal(6.0, steps[7]);
        Assert.Equal(8.0, steps[10]);
        Assert.Equal([false, true, false, false], uneven.AnyPerWindow([.. Enumerable.Range(0, 11).Select(t => t == 5)]));

        TorchRuntime.EnsureLoaded();
        using Tensor recording = torch.arange(22, dtype: ScalarType.Float32).reshape(11, 2);
        using Tensor windows = uneven.Slice(recording);
        Assert.Equal([4L, 4, 2], windows.shape);
        Assert.Equal(14f, windows[3, 0, 0].item<float>());
        Assert.Contains("expected at least one window of 12 steps, found 11 steps", Assert.Throws<ArgumentException>(() => new SlidingWindows(11, 12, 1)).Message, StringComparison.Ordinal);
    }
}
