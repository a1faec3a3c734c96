using System.Text.Json;
using AutoEncoders.Applications.Anomaly;
using AutoEncoders.Models;
using AutoEncoders.Models.Sequence;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Models.Sequence;

public sealed class SequenceAutoencoderTests(SequenceFixture trained, ITestOutputHelper log) : IClassFixture<SequenceFixture>
{
    [Theory]
    [InlineData(RecurrentCell.Lstm, false, null)]
    [InlineData(RecurrentCell.Gru, true, 6)]
    public void Shapes_of_series_codes_and_step_errors(RecurrentCell cell, bool bidirectional, int? codeSize)
    {
        TorchRuntime.SetSeed(1);
        var config = new SequenceAutoencoderConfig { SequenceLength = 10, Features = 3, Cell = cell, HiddenSize = 8, Layers = 2, Bidirectional = bidirectional, CodeSize = codeSize, DecoderHiddenSize = 5 };
        using var model = (SequenceAutoencoder)config.Build();
        using var scope = torch.NewDisposeScope();
        Tensor series = torch.randn(4, 10, 3);
        AutoencoderOutput output = model.forward(series);
        long code = codeSize ?? (bidirectional ? 16 : 8);

        Assert.Equal(series.shape, output.Reconstruction.shape);
        Assert.Equal(new long[] { 4, code }, output.Code.shape);
        Assert.Equal(new long[] { code }, config.CodeShape);
        Assert.Equal(new long[] { 4, 10 * 3 }, model.forward(series.reshape(4, 30)).Reconstruction.shape);
        Assert.Equal(new long[] { 4, 10 }, model.StepErrors(series).shape);
        Assert.Equal(new long[] { 4, 10, 3 }, model.Decode(model.Encode(series)).shape);
        Assert.Equal(new long[] { 4, 7, 3 }, model.Decode(output.Code, steps: 7).shape);
        Assert.Null(output.Logits);
        Assert.Equal(codeSize is null ? 1 : 2, output.Hidden.Count);
        Assert.Same(output.Code, output.CodeLayer!.Output);

        // Step errors are the per-step mean over features of the squared reconstruction error.
        model.eval();
        Tensor expected = (model.forward(series).Reconstruction - series).square().mean([2]);
        Assert.True(model.StepErrors(series).allclose(expected, rtol: 1e-5, atol: 1e-7));

        ModelSummary summary = ModelSummary.Of(model);
        Assert.Equal(model.ParameterCount, summary.Rows.Sum(r => r.Parameters));
        Assert.Equal(new long[] { 10, 3 }, summary.Rows[^1].OutputShape);
        Assert.DoesNotContain(summary.Rows, r => r.Name == "(other)");
    }

    [Fact]
    public void Reverse_decoding_returns_the_series_in_time_order()
    {
        // Same seed, same weights: decoding last step first is the forward decoder's output read backwards.
        var forward = new SequenceAutoencoderConfig { SequenceLength = 6, Features = 2, HiddenSize = 4, ReverseDecoder = false };
        TorchRuntime.SetSeed(9);
        using var plain = (SequenceAutoencoder)forward.Build();
        TorchRuntime.SetSeed(9);
        using var reversed = (SequenceAutoencoder)(forward with { ReverseDecoder = true }).Build();
        using var scope = torch.NewDisposeScope();
        Tensor series = torch.randn(3, 6, 2);

        Tensor a = plain.forward(series).Reconstruction;
        Tensor b = reversed.forward(series).Reconstruction;

        Assert.True(b.allclose(a.flip(1)));
        Assert.False(b.allclose(a));
    }

    [Fact]
    public void Lstm_parameter_count_follows_the_gate_formula()
    {
        // Per LSTM layer: 4 gates x (H x (input + H) + 2 H) (PyTorch keeps two bias vectors).
        using var model = new SequenceAutoencoderConfig { SequenceLength = 5, Features = 3, HiddenSize = 8 }.Build();
        long encoder = 4 * ((8 * (3 + 8)) + 16);
        long decoder = 4 * ((8 * (8 + 8)) + 16);
        long output = (8 * 3) + 3;
        Assert.Equal(encoder + decoder + output, model.ParameterCount);
    }

    [Fact]
    public void Lstm_learns_to_reconstruct_noisy_sine_waves()
    {
        log.WriteLine($"held-out MSE {trained.InitialMse:F4} -> {trained.FinalMse:F4} in {trained.TrainingSeconds:F1} s");
        Assert.True(trained.FinalMse < trained.InitialMse / 5, $"MSE should fall more than 5x from {trained.InitialMse:F4}; got {trained.FinalMse:F4}");

        // A model that only learned the mean wave sits on the plateau near the variance (~0.36) that LSTM
        // autoencoders start from; the noise floor is 0.05^2 = 0.0025.
        Assert.True(trained.FinalMse < 0.08, $"held-out MSE {trained.FinalMse:F4}");
    }

    [Fact]
    public void Anomaly_scores_rank_planted_anomalies_above_normal_series()
    {
        var detector = new SequenceAnomalyDetector(trained.Model);
        double threshold = detector.Calibrate(trained.Validation, percentile: 95);
        Tensor series = torch.cat([trained.Test, trained.Anomalies]);
        bool[] labels = [.. Enumerable.Repeat(false, (int)trained.Test.shape[0]), .. Enumerable.Repeat(true, (int)trained.Anomalies.shape[0])];

        AnomalyDetectionReport report = detector.Evaluate(series, labels);
        log.WriteLine(report.ToString());

        Assert.True(report.RocAuc > 0.9, report.ToString());
        Assert.True(report.Recall > 0.7, report.ToString());
        Assert.True(report.Confusion.FalsePositiveRate < 0.15, report.ToString());
        Assert.Equal(threshold, report.Threshold);
        Assert.Equal(report.Confusion.TruePositives + report.Confusion.FalsePositives, detector.Detect(series).Count(f => f));

        // Max aggregation ranks local defects (spikes, flat stretches) at least as well.
        var peaks = new SequenceAnomalyDetector(trained.Model, StepErrorAggregation.Max) { Threshold = 0 };
        Assert.True(peaks.Evaluate(series, labels).RocAuc > 0.9);
        Assert.Throws<InvalidOperationException>(() => new SequenceAnomalyDetector(trained.Model).Detect(series));
    }

    [Fact]
    public void Config_round_trips_through_json_and_refuses_bad_sizes()
    {
        ModelConfig config = new SequenceAutoencoderConfig { SequenceLength = 20, Features = 2, Cell = RecurrentCell.Gru, Bidirectional = true, CodeSize = 4 };
        string json = JsonSerializer.Serialize(config, JsonDefaults.Options);
        Assert.Contains("\"kind\": \"sequence\"", json, StringComparison.Ordinal);
        Assert.Contains("\"cell\": \"gru\"", json, StringComparison.Ordinal);
        Assert.Equal(config, JsonSerializer.Deserialize<ModelConfig>(json, JsonDefaults.Options));
        Assert.Contains("hiddenSize must be at least 1; found 0", Assert.Throws<ArgumentException>(new SequenceAutoencoderConfig { HiddenSize = 0 }.Validate).Message, StringComparison.Ordinal);

        using var model = (SequenceAutoencoder)new SequenceAutoencoderConfig { SequenceLength = 5, Features = 2, HiddenSize = 4 }.Build();
        Assert.Contains("series [B, T, 2] or rows [B, 10]", Assert.Throws<ArgumentException>(() => model.forward(torch.zeros(3, 7))).Message, StringComparison.Ordinal);
    }
}
