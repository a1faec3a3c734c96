using AutoEncoders.Applications.Anomaly;

namespace AutoEncoders.Tests.Applications.Anomaly;

public sealed class AnomalyThresholdTests
{
    // Scores 1..100: the (1 - 0.1) quantile with NumPy's linear interpolation is 1 + 0.9 * 99 = 90.1 (PyOD's threshold_).
    private static readonly double[] Training = [.. Enumerable.Range(1, 100).Select(i => (double)i)];

    [Fact]
    public void Contamination_is_the_one_minus_rate_quantile_of_training_scores_and_flags_that_share()
    {
        double threshold = AnomalyThreshold.FromContamination(Training, 0.1);
        Assert.Equal(90.1, threshold, 10);
        Assert.Equal(10, Training.Count(s => s > threshold));
        Assert.Throws<ArgumentOutOfRangeException>(() => AnomalyThreshold.FromContamination(Training, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => AnomalyThreshold.FromContamination(Training, 0.6));
    }

    [Fact]
    public void Choose_reports_the_false_positive_rate_each_rule_implies_on_held_out_normal_scores()
    {
        double[] heldOut = [.. Enumerable.Range(0, 20).Select(i => 50.0 + (3 * i))]; // 50, 53, ..., 107: 6 of them above 90.1

        ChosenThreshold contamination = AnomalyThreshold.Choose(Training, heldOut, contamination: 0.1);
        Assert.Equal(90.1, contamination.Value, 10);
        Assert.Equal(6 / 20.0, contamination.ImpliedFalsePositiveRate, 12);
        Assert.Contains("contamination 0.1: the 90th percentile of 100 training scores", contamination.Rule, StringComparison.Ordinal);
        Assert.Contains("implied false-positive rate 30.0% on 20 held-out normal samples", contamination.ToString(), StringComparison.Ordinal);

        ChosenThreshold rate = AnomalyThreshold.Choose(Training, heldOut, falsePositiveRate: 0.25);
        Assert.Equal(5 / 20.0, rate.ImpliedFalsePositiveRate, 12);

        ChosenThreshold byDefault = AnomalyThreshold.Choose(Training, heldOut);
        Assert.Equal(50 + (0.99 * 19 * 3), byDefault.Value, 10);
        Assert.Equal(1 / 20.0, byDefault.ImpliedFalsePositiveRate, 12); // 107 lies above the 99th percentile, 106.43

        ChosenThreshold noHoldOut = AnomalyThreshold.Choose(Training, [], contamination: 0.05);
        Assert.Equal(5 / 100.0, noHoldOut.ImpliedFalsePositiveRate, 12);
        Assert.Throws<ArgumentException>(() => AnomalyThreshold.Choose(Training, heldOut, percentile: 95, contamination: 0.1));
    }
}
