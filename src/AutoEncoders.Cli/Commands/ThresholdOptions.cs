using System.CommandLine;
using AutoEncoders.Applications.Anomaly;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// The threshold options of the anomaly commands: --percentile (of held-out normal scores, default 99), --fpr (a
/// target false-positive rate on them) or --contamination (PyOD's convention: the (1 − rate) quantile of the training
/// scores); at most one. <see cref="Choose"/> applies the one given and reports the false-positive rate it implies.
/// Unsupervised fits (training data that may hold anomalies) default to --contamination
/// <see cref="UnsupervisedContamination"/>: their held-out rows are not known to be normal, so a percentile of them
/// means little.
/// </summary>
internal sealed class ThresholdOptions
{
    /// <summary>The contamination an unsupervised fit assumes when no rule is given (PyOD's default).</summary>
    public const double UnsupervisedContamination = 0.1;

    public Option<double?> Percentile { get; } = new("--percentile") { Description = "Threshold = this percentile of held-out normal scores (default 99)." };

    public Option<double?> FalsePositiveRate { get; } = new("--fpr") { Description = "Threshold such that this share of held-out normal samples is flagged (instead of --percentile)." };

    public Option<double?> Contamination { get; } = new("--contamination") { Description = "Threshold at the (1 - RATE) quantile of the training scores (PyOD's convention; RATE in (0, 0.5]): the share of training rows expected to be anomalous." };

    public void AddTo(Command command)
    {
        command.Options.Add(Percentile);
        command.Options.Add(FalsePositiveRate);
        command.Options.Add(Contamination);
    }

    /// <summary>Refuses more than one rule, or a value out of range, before anything is trained or written.</summary>
    public void Validate(ParseResult parse)
    {
        double? percentile = parse.GetValue(Percentile), rate = parse.GetValue(FalsePositiveRate), share = parse.GetValue(Contamination);
        if ((percentile is null ? 0 : 1) + (rate is null ? 0 : 1) + (share is null ? 0 : 1) > 1)
        {
            throw new ArgumentException("Give one of --percentile, --fpr and --contamination, not several.");
        }

        // --percentile and --fpr are range-checked while parsing, like every option of that name (OptionBounds).
        if (share is double c && c is not (> 0 and <= 0.5))
        {
            throw new ArgumentException($"--contamination must lie in (0, 0.5]; found {c}.");
        }
    }

    /// <summary>
    /// The threshold by the rule given, from the training scores and the held-out normal scores (may be empty); with
    /// no rule given, an <paramref name="unsupervised"/> fit uses --contamination <see cref="UnsupervisedContamination"/>
    /// and any other the 99th percentile.
    /// </summary>
    public ChosenThreshold Choose(ParseResult parse, IReadOnlyList<double> trainingScores, IReadOnlyList<double> heldOutNormalScores, bool unsupervised = false)
    {
        Validate(parse);
        double? percentile = parse.GetValue(Percentile), rate = parse.GetValue(FalsePositiveRate), share = parse.GetValue(Contamination);
        if (unsupervised && percentile is null && rate is null && share is null)
        {
            share = UnsupervisedContamination;
        }

        return AnomalyThreshold.Choose(trainingScores, heldOutNormalScores, percentile, rate, share);
    }
}
