using AutoEncoders.Applications.Search;
using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Models.Sequence;
using AutoEncoders.Objectives;
using AutoEncoders.Objectives.Corruptions;
using AutoEncoders.Persistence;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Applications.Anomaly;

/// <summary>
/// Flags anomalous series (or windows of a long recording) with an autoencoder trained on normal ones: dense on the
/// flattened window, or an LSTM/GRU sequence autoencoder (Malhotra et al., 2016). A series is scored by its
/// reconstruction error, by the mean distance of its code to the k nearest codes of the training series, or by both
/// (<see cref="SequenceScore"/>). Series are normalised per channel with the training statistics before the model
/// sees them. <see cref="Train"/> builds, trains (early stopping on held-out series) and prepares a detector;
/// <see cref="Save"/> and <see cref="Load"/> keep it in a folder.
/// </summary>
public sealed class SequenceAnomalyDetector : IDisposable
{
    /// <summary>The training series' codes in a detector folder.</summary>
    public const string ReferenceCodesFileName = "reference-codes.npy";

    private readonly bool _ownsModel;
    private double[] _mean;
    private double[] _scale;
    private int _smoothing = 1;

    /// <summary>Wraps a sequence autoencoder trained on normal (already normalised) series; scores by reconstruction error.</summary>
    public SequenceAnomalyDetector(SequenceAutoencoder model, StepErrorAggregation aggregation = StepErrorAggregation.Mean, int batchSize = 512)
        : this(model, (int)(model ?? throw new ArgumentNullException(nameof(model))).Config.InputShape[0], (int)model.Config.InputShape[1], aggregation, batchSize)
    {
    }

    /// <summary>Wraps any autoencoder whose input is a series of <paramref name="length"/> steps x <paramref name="channels"/> channels (flattened for a dense model).</summary>
    public SequenceAnomalyDetector(Autoencoder model, int length, int channels, StepErrorAggregation aggregation = StepErrorAggregation.Mean, int batchSize = 512)
        : this(model, length, channels, aggregation, batchSize, ownsModel: false)
    {
    }

    private SequenceAnomalyDetector(Autoencoder model, int length, int channels, StepErrorAggregation aggregation, int batchSize, bool ownsModel)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (model.Config.InputShape.Aggregate(1L, (a, b) => a * b) != (long)length * channels)
        {
            throw new ArgumentException($"The model takes [{string.Join(", ", model.Config.InputShape)}], not series of {length} steps x {channels} channel(s).", nameof(model));
        }

        Model = model;
        Length = length;
        Channels = channels;
        Aggregation = aggregation;
        BatchSize = batchSize;
        _ownsModel = ownsModel;
        _mean = new double[channels];
        _scale = [.. Enumerable.Repeat(1.0, channels)];
    }

    /// <summary>The autoencoder whose errors and codes are the scores.</summary>
    public Autoencoder Model { get; }

    /// <summary>Steps per series (T).</summary>
    public int Length { get; }

    /// <summary>Channels per step (F).</summary>
    public int Channels { get; }

    /// <summary>How step errors become a series' reconstruction score.</summary>
    public StepErrorAggregation Aggregation { get; }

    /// <summary>Series scored per forward pass.</summary>
    public int BatchSize { get; }

    /// <summary>
    /// Steps of the centred moving average applied to the residual (per channel, before squaring); 1 for none. The
    /// step-to-step jitter of a normal series is averaged out of its error, while a deviation that lasts several steps
    /// (a changed wave shape) is kept.
    /// </summary>
    public int Smoothing
    {
        get => _smoothing;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _smoothing = value;
        }
    }

    /// <summary>What <see cref="Score"/> returns; the latent-space scores need <see cref="UseNeighbours"/> first.</summary>
    public SequenceScore ScoreKind { get; private set; } = SequenceScore.Reconstruction;

    /// <summary>Neighbours k of the latent-space score.</summary>
    public int Neighbours { get; private set; } = 5;

    /// <summary>Codes [N, code] of the training series, the latent-space score's reference; null until <see cref="UseNeighbours"/>.</summary>
    public Tensor? ReferenceCodes { get; private set; }

    /// <summary>Median reconstruction score of the training series (divisor in the combined score).</summary>
    public double ReconstructionScale { get; private set; } = 1;

    /// <summary>Median latent-neighbour score of the training series (divisor in the combined score).</summary>
    public double NeighbourScale { get; private set; } = 1;

    /// <summary>Per-channel mean subtracted before the model.</summary>
    public IReadOnlyList<double> ChannelMean => _mean;

    /// <summary>Per-channel divisor applied after the mean.</summary>
    public IReadOnlyList<double> ChannelScale => _scale;

    /// <summary>The score above which a series is anomalous; set by <see cref="Calibrate"/> or directly.</summary>
    public double? Threshold { get; set; }

    /// <summary>
    /// Builds the autoencoder <paramref name="options"/> name (sizes from the data where left null), trains it on
    /// <paramref name="series"/> [N, T, F] (raw values: the per-channel z-score is fitted here on the training part)
    /// with a seeded share held out for early stopping, and prepares the score. The caller sets the threshold from
    /// the returned training and held-out scores. Normal-only or unsupervised is the caller's choice of series.
    /// </summary>
    /// <exception cref="ArgumentException">Too few series to hold some out, or options out of range.</exception>
    public static SequenceDetectorFit Train(Tensor series, SequenceDetectorOptions options, ProgressMode progress = ProgressMode.Silent)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(options);
        if (series.dim() != 3)
        {
            throw new ArgumentException($"Expected series [N, T, F]; found [{string.Join(", ", series.shape)}].", nameof(series));
        }

        int count = (int)series.shape[0], length = (int)series.shape[1], channels = (int)series.shape[2];
        int heldOut = Math.Max(1, (int)Math.Round(count * options.ValidationFraction));
        if (count - heldOut < 2)
        {
            throw new ArgumentException($"{count} series are too few to train on and hold out {heldOut} for early stopping and the threshold; give at least {heldOut + 2}.");
        }

        SequenceDetectorOptions resolved = options.Resolve(count - heldOut, length, channels);

        // The model is built outside the dispose scope: its parameters must outlive it.
        torch.manual_seed(resolved.Seed);
        Autoencoder model = Build(resolved, length, channels);
        var detector = new SequenceAnomalyDetector(model, length, channels, resolved.Aggregation, 512, ownsModel: true) { Smoothing = resolved.Smoothing!.Value };
        try
        {
            using var scope = torch.NewDisposeScope();
            using var generator = new Generator((ulong)resolved.Seed);
            Tensor order = torch.randperm(count, generator: generator);
            Tensor train = series.index_select(0, order.narrow(0, heldOut, count - heldOut)).to_type(ScalarType.Float32);
            Tensor validation = series.index_select(0, order.narrow(0, 0, heldOut)).to_type(ScalarType.Float32);
            detector.FitNormalization(train);
            using var trainSet = new TensorDataset(detector.Normalize(train), name: "train");
            using var validationSet = new TensorDataset(detector.Normalize(validation), name: "held-out");
            var trainerOptions = new TrainerOptions
            {
                Epochs = resolved.Epochs!.Value,
                BatchSize = resolved.BatchSize!.Value,
                Seed = resolved.Seed,
                Optimizer = new OptimizerOptions { LearningRate = resolved.LearningRate },
                EarlyStopping = new EarlyStoppingOptions { Patience = resolved.Patience, RestoreBestWeights = true },

                // Recurrent gradients through 100 steps can spike; the dense model needs no clipping.
                GradientClipNorm = resolved.Kind == SequenceDetectorKind.Dense ? null : 1.0,
                Progress = progress,
            };
            TrainingHistory history;
            using (var trainer = new Trainer(model, new Objective { Corruption = resolved.Noise > 0 ? new GaussianNoise { Factor = resolved.Noise, Clip = false } : null }, trainerOptions))
            {
                history = trainer.Fit(trainSet, validationSet);
            }

            model.eval();
            double[] trainingScores = detector.UseNeighbours(train, resolved.Score, resolved.Neighbours);
            double[] heldOutScores = detector.Score(validation);
            return new SequenceDetectorFit(detector, resolved, history, trainingScores, heldOutScores);
        }
        catch
        {
            detector.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Makes <paramref name="score"/> the detector's score, with <paramref name="trainingSeries"/> (raw values) as the
    /// latent-space reference and the combined score's scales. Returns the training series' own scores, each
    /// series left out of its own neighbours (what PyOD's contamination threshold is a quantile of).
    /// </summary>
    public double[] UseNeighbours(Tensor trainingSeries, SequenceScore score, int neighbours = 5)
    {
        ArgumentNullException.ThrowIfNull(trainingSeries);
        ArgumentOutOfRangeException.ThrowIfLessThan(neighbours, 1);
        long count = trainingSeries.shape[0];
        if (score != SequenceScore.Reconstruction && count <= neighbours)
        {
            throw new ArgumentException($"The latent-space score with k = {neighbours} needs more than {neighbours} training series; found {count}.", nameof(trainingSeries));
        }

        ReferenceCodes?.Dispose();
        ReferenceCodes = null;
        ScoreKind = score;
        Neighbours = neighbours;
        double[] reconstruction = ReconstructionScores(trainingSeries);
        if (score == SequenceScore.Reconstruction)
        {
            return reconstruction;
        }

        ReferenceCodes = Codes(trainingSeries);
        ReferenceCodes.DetachFromDisposeScope();
        double[] distance = ExactSearch.Search(ReferenceCodes, ReferenceCodes, neighbours + 1).WithoutSelf(neighbours).MeanDistances();
        ReconstructionScale = Positive(Evaluation.Percentile.Of(reconstruction, 50));
        NeighbourScale = Positive(Evaluation.Percentile.Of(distance, 50));
        return Combine(reconstruction, distance);
    }

    /// <summary>
    /// Per-step errors [N, T] (squared residual, smoothed over <see cref="Smoothing"/> steps, averaged over the channels,
    /// in normalised units), on the CPU, in evaluation mode.
    /// </summary>
    public Tensor StepScores(Tensor series)
    {
        ArgumentNullException.ThrowIfNull(series);
        using var scope = torch.NewDisposeScope();
        Tensor rows = Normalize(series);
        return AnomalyThreshold.ScoreInBatches(Model, rows, BatchSize,
            batch => Smooth((Model.Reconstruct(batch) - batch).reshape(batch.shape[0], Length, Channels)).square().mean([2]),
            () => torch.zeros(0, Length)).MoveToOuterDisposeScope();
    }

    /// <summary>Codes [N, code] of <paramref name="series"/> (raw values), on the CPU.</summary>
    public Tensor Codes(Tensor series)
    {
        ArgumentNullException.ThrowIfNull(series);
        using var scope = torch.NewDisposeScope();
        Tensor rows = Normalize(series);
        return AnomalyThreshold.ScoreInBatches(Model, rows, BatchSize, Model.Encode, () => torch.zeros(0, Model.Config.CodeShape[0])).MoveToOuterDisposeScope();
    }

    /// <summary>One reconstruction score per series: the mean or largest of its (smoothed) step errors.</summary>
    public double[] ReconstructionScores(Tensor series)
    {
        using var scope = torch.NewDisposeScope();
        Tensor steps = StepScores(series);
        Tensor scores = Aggregation == StepErrorAggregation.Max ? steps.amax([1]) : steps.mean([1]);
        return scores.to_type(ScalarType.Float64).data<double>().ToArray();
    }

    /// <summary>One anomaly score per series, by <see cref="ScoreKind"/>.</summary>
    public double[] Score(Tensor series)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (ScoreKind == SequenceScore.Reconstruction)
        {
            return ReconstructionScores(series);
        }

        // The neighbour score alone needs no reconstruction pass (Combine ignores it).
        double[] reconstruction = ScoreKind == SequenceScore.Neighbours ? [] : ReconstructionScores(series);
        Tensor reference = ReferenceCodes ?? throw new InvalidOperationException("The latent-space score needs the training codes: call UseNeighbours first.");
        using Tensor codes = Codes(series);
        return Combine(reconstruction, ExactSearch.Search(reference, codes, Math.Min(Neighbours, (int)reference.shape[0])).MeanDistances());
    }

    /// <summary>
    /// Sets <see cref="Threshold"/> to the <paramref name="percentile"/>-th percentile of the scores of
    /// <paramref name="normalSeries"/> (normal series the model did not train on), so about (100 - percentile)% of
    /// normal series are flagged.
    /// </summary>
    /// <returns>The threshold.</returns>
    public double Calibrate(Tensor normalSeries, double percentile = 99.0)
    {
        double threshold = AnomalyThreshold.Calibrate(normalSeries, percentile, Score, "series", nameof(normalSeries));
        Threshold = threshold;
        return threshold;
    }

    /// <summary>True for each series whose score is above <see cref="Threshold"/>.</summary>
    public bool[] Detect(Tensor series) => Score(series).Select(s => s > RequireThreshold()).ToArray();

    /// <summary>Scores labelled series (true = anomaly) and reports precision, recall, F1 at the threshold, ROC-AUC and PR-AUC.</summary>
    public AnomalyDetectionReport Evaluate(Tensor series, IReadOnlyList<bool> isAnomaly)
    {
        ArgumentNullException.ThrowIfNull(isAnomaly);
        double threshold = RequireThreshold();
        return AnomalyThreshold.Report(threshold, Score(series), isAnomaly);
    }

    /// <summary>The same report for scores already computed.</summary>
    public AnomalyDetectionReport EvaluateScores(IReadOnlyList<double> scores, IReadOnlyList<bool> isAnomaly) =>
        AnomalyThreshold.Report(RequireThreshold(), scores, isAnomaly);

    /// <summary>The settings to save: kind, window, normalisation, score, scales and threshold (the caller adds how its input was read).</summary>
    public SequenceDetectorFile Describe() => new()
    {
        Kind = Model switch
        {
            SequenceAutoencoder s => ((SequenceAutoencoderConfig)s.Config).Cell == RecurrentCell.Gru ? SequenceDetectorKind.Gru : SequenceDetectorKind.Lstm,
            _ => SequenceDetectorKind.Dense,
        },
        Length = Length,
        Channels = Channels,
        ChannelMean = _mean,
        ChannelScale = _scale,
        Score = ScoreKind,
        Neighbours = Neighbours,
        Aggregation = Aggregation,
        Smoothing = Smoothing,
        ReconstructionScale = ReconstructionScale,
        NeighbourScale = NeighbourScale,
        Threshold = RequireThreshold(),
    };

    /// <summary>
    /// Writes the detector folder: the model (model.json, weights.bin, history.json when given), the training codes
    /// and <paramref name="settings"/> (from <see cref="Describe"/>) last, so a folder with sequence-detector.json is complete.
    /// </summary>
    public void Save(string directory, SequenceDetectorFile settings, TrainingHistory? history = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(settings);
        new TrainedAutoencoder(Model, new ModelManifest { Model = Model.Config }, history).Save(directory);
        if (ReferenceCodes is not null)
        {
            NpyFile.Write(Path.Combine(directory, ReferenceCodesFileName), ReferenceCodes);
        }

        settings.Save(directory);
    }

    /// <summary>Loads a detector folder written by <see cref="Save"/>; the detector owns the model it loads.</summary>
    /// <exception cref="InvalidDataException">A file is missing or does not fit the others.</exception>
    public static (SequenceAnomalyDetector Detector, SequenceDetectorFile Settings) Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"{directory}: no such detector folder.");
        }

        SequenceDetectorFile settings = SequenceDetectorFile.Load(directory);
        TrainedAutoencoder trained = TrainedAutoencoder.Load(directory);
        SequenceAnomalyDetector? detector = null;
        try
        {
            detector = new SequenceAnomalyDetector(trained.Model, settings.Length, settings.Channels, settings.Aggregation, 512, ownsModel: true)
            {
                _mean = [.. settings.ChannelMean],
                _scale = [.. settings.ChannelScale],
                Smoothing = settings.Smoothing,
                ScoreKind = settings.Score,
                Neighbours = settings.Neighbours,
                ReconstructionScale = settings.ReconstructionScale,
                NeighbourScale = settings.NeighbourScale,
                Threshold = settings.Threshold,
            };
            if (settings.Score != SequenceScore.Reconstruction)
            {
                string codes = Path.Combine(directory, ReferenceCodesFileName);
                if (!File.Exists(codes))
                {
                    throw new InvalidDataException($"{codes}: missing; the {settings.Score} score needs the training codes.");
                }

                detector.ReferenceCodes = NpyFile.Read(codes).to_type(ScalarType.Float32);
                if (detector.ReferenceCodes.dim() != 2 || detector.ReferenceCodes.shape[1] != trained.Model.Config.CodeShape[0])
                {
                    throw new InvalidDataException($"{codes}: expected codes [N, {trained.Model.Config.CodeShape[0]}]; found [{string.Join(", ", detector.ReferenceCodes.shape)}].");
                }
            }

            return (detector, settings);
        }
        catch
        {
            if (detector is null)
            {
                trained.Dispose();
            }
            else
            {
                detector.Dispose();
            }

            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        ReferenceCodes?.Dispose();
        ReferenceCodes = null;
        if (_ownsModel)
        {
            Model.Dispose();
        }
    }

    private static Autoencoder Build(SequenceDetectorOptions o, int length, int channels)
    {
        int hidden = o.HiddenSize!.Value, code = o.CodeSize!.Value;
        ModelConfig config = o.Kind == SequenceDetectorKind.Dense
            ? new DenseAutoencoderConfig { Layers = [length * channels, hidden, code], OutputActivation = Activation.Linear }
            : new SequenceAutoencoderConfig
            {
                SequenceLength = length,
                Features = channels,
                Cell = o.Kind == SequenceDetectorKind.Gru ? RecurrentCell.Gru : RecurrentCell.Lstm,
                HiddenSize = hidden,
                CodeSize = code,
            };
        return config.Build();
    }

    // Per-channel z-score with the training series' statistics; a constant channel is centred, not scaled.
    private void FitNormalization(Tensor train)
    {
        using var scope = torch.NewDisposeScope();
        Tensor flat = train.reshape(-1, Channels).to_type(ScalarType.Float64);
        _mean = flat.mean([0]).data<double>().ToArray();
        _scale = [.. flat.std(0, unbiased: false).data<double>().ToArray().Select(s => s > 1e-12 ? s : 1.0)];
    }

    /// <summary>
    /// <paramref name="series"/> normalised with the training statistics, as rows [N, T*F] (the one input shape both
    /// model kinds take; also what baselines should see).
    /// </summary>
    public Tensor Normalize(Tensor series)
    {
        ArgumentNullException.ThrowIfNull(series);
        long n = series.shape[0];
        if (series.numel() != n * Length * Channels)
        {
            throw new ArgumentException($"The detector takes series of {Length} steps x {Channels} channel(s); found [{string.Join(", ", series.shape)}].", nameof(series));
        }

        Tensor mean = torch.tensor(_mean, dtype: ScalarType.Float32), scale = torch.tensor(_scale, dtype: ScalarType.Float32);
        return ((series.reshape(n, Length, Channels).to_type(ScalarType.Float32) - mean) / scale).reshape(n, Length * Channels);
    }

    // Centred moving average over the steps of residuals [N, T, F]; at the ends, the mean of the steps inside the series.
    private Tensor Smooth(Tensor residual)
    {
        if (Smoothing <= 1)
        {
            return residual;
        }

        Tensor perChannel = residual.permute(0, 2, 1).reshape(-1, 1, Length);
        Tensor smoothed = torch.nn.functional.avg_pool1d(perChannel, Smoothing, 1, Smoothing / 2, ceil_mode: false, count_include_pad: false);
        return smoothed.narrow(2, 0, Length).reshape(residual.shape[0], Channels, Length).permute(0, 2, 1);
    }

    private double[] Combine(double[] reconstruction, double[] distance) => ScoreKind switch
    {
        SequenceScore.Neighbours => distance,
        SequenceScore.Combined => [.. reconstruction.Zip(distance, (r, d) => (r / ReconstructionScale) + (d / NeighbourScale))],
        _ => reconstruction,
    };

    private static double Positive(double scale) => scale > 1e-12 ? scale : 1.0;

    private double RequireThreshold() => AnomalyThreshold.Require(Threshold, "call Calibrate with held-out normal series");
}
