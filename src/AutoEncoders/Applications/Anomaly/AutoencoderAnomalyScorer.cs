using AutoEncoders.Applications.Search;
using AutoEncoders.Models;
using AutoEncoders.Models.Variational;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Applications.Anomaly;

/// <summary>
/// Anomaly scores from one or more autoencoders trained on normal rows. Each member gives two raw scores: its
/// reconstruction error (mean squared error per feature; for a variational model the negative log-probability of
/// the row under p(x|z), averaged over <see cref="VariationalSamples"/> draws of z ~ q(z|x) and divided by the
/// width: An and Cho's reconstruction probability) and the mean distance from the row's code to its
/// <see cref="Neighbours"/> nearest training codes. A third raw score needs no autoencoder: the mean distance from
/// the (normalised) row to its <see cref="Neighbours"/> nearest training rows. <see cref="Standardize"/> fixes each
/// raw score's mean and deviation on held-out normal rows; a row's score is the weighted mean of the standardised
/// parts that <see cref="ScoreKind"/> selects (the input part weighs <see cref="InputNeighbourWeight"/>, the others 1),
/// the autoencoder parts first averaged over the members (<see cref="ScoreParts"/>).
/// A score of 0 is a typical normal row; 3 is three deviations out. The <see cref="AnomalyScoreKind.NeighbourMaximum"/>
/// score uses no autoencoder: it is the largest of three input-space parts (mean distance to the k nearest rows, distance
/// to the nearest row, and the mean distance to the k nearest after a <see cref="RankGaussTransform"/>), each put on the
/// robust scale of <see cref="ScoreScale.Robust"/>.
/// </summary>
public sealed class AutoencoderAnomalyScorer
{
    /// <summary>Neighbours the latent and input distances average over (scikit-learn's k-NN detector default).</summary>
    public const int DefaultNeighbours = 5;

    /// <summary>At most this many training rows (and codes) are kept as neighbours (a seeded sample beyond it), bounding time and memory.</summary>
    public const int MaxReferenceRows = 20_000;

    /// <summary>
    /// Weight of the input-space part in the combined score (the other two weigh 1): the combined score is
    /// (R + L + 2·I) / 4, chosen by bench/anomaly/select.sh on validation splits of the ADBench training parts only.
    /// </summary>
    public const double InputNeighbourWeight = 2;

    /// <summary>Draws of z per row for a variational member's reconstruction probability.</summary>
    public const int VariationalSamples = 10;

    private readonly List<Tensor> _references = [];
    private ScoreStandardization[] _standardizations;
    private Tensor? _referenceRows;
    private Tensor? _rankGaussColumns;
    private Tensor? _rankGaussReference;

    /// <summary>Wraps trained <paramref name="members"/>.</summary>
    public AutoencoderAnomalyScorer(IReadOnlyList<Autoencoder> members, AnomalyScoreKind scoreKind = AnomalyScoreKind.Combined, int neighbours = DefaultNeighbours, int batchSize = 1024)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentOutOfRangeException.ThrowIfLessThan(members.Count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(neighbours, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        Members = members;
        ScoreKind = scoreKind;
        Neighbours = neighbours;
        BatchSize = batchSize;
        _standardizations = [.. members.Select(_ => ScoreStandardization.Identity)];
    }

    /// <summary>The trained autoencoders.</summary>
    public IReadOnlyList<Autoencoder> Members { get; }

    /// <summary>Which raw scores are averaged.</summary>
    public AnomalyScoreKind ScoreKind { get; }

    /// <summary>k of the latent and input neighbour distances.</summary>
    public int Neighbours { get; }

    /// <summary>Rows per forward pass.</summary>
    public int BatchSize { get; }

    /// <summary>Each member's training codes that neighbours are searched among (empty until <see cref="SetReference"/> or <see cref="RestoreReference"/>).</summary>
    public IReadOnlyList<Tensor> ReferenceCodes => _references;

    /// <summary>The training rows the input-space neighbours are searched among (null until set, or when the score leaves that part out).</summary>
    public Tensor? ReferenceRows => _referenceRows;

    /// <summary>The rank-Gauss transform's reference values, sorted per column [D, N] (knn-max only; null until set).</summary>
    public Tensor? RankGaussColumns => _rankGaussColumns;

    /// <summary>The reference rows after the rank-Gauss transform [N, D], which that part's neighbours are searched among (knn-max only; null until set).</summary>
    public Tensor? RankGaussReference => _rankGaussReference;

    /// <summary>Each member's standardisation (identity until <see cref="Standardize"/>).</summary>
    public IReadOnlyList<ScoreStandardization> Standardizations => _standardizations;

    /// <summary>The input-space neighbour distance's standardisation (identity until <see cref="Standardize"/>).</summary>
    public ScoreScale InputStandardization { get; private set; } = ScoreScale.Identity;

    /// <summary>The nearest-row distance's scale (knn-max only; identity until <see cref="Standardize"/>).</summary>
    public ScoreScale NearestStandardization { get; private set; } = ScoreScale.Identity;

    /// <summary>The rank-Gauss neighbour distance's scale (knn-max only; identity until <see cref="Standardize"/>).</summary>
    public ScoreScale RankGaussStandardization { get; private set; } = ScoreScale.Identity;

    /// <summary>True when the score has a reconstruction part.</summary>
    public bool UsesReconstruction => ScoreKind is AnomalyScoreKind.Reconstruction or AnomalyScoreKind.Combined;

    /// <summary>True when the score has a latent neighbour part.</summary>
    public bool UsesLatentNeighbours => ScoreKind is AnomalyScoreKind.LatentNeighbours or AnomalyScoreKind.Combined;

    /// <summary>True when the score has an input-space neighbour part.</summary>
    public bool UsesInputNeighbours => ScoreKind is AnomalyScoreKind.InputNeighbours or AnomalyScoreKind.Combined or AnomalyScoreKind.NeighbourMaximum;

    /// <summary>True when the score is the largest of the three input-space parts (knn-max).</summary>
    public bool UsesNeighbourMaximum => ScoreKind == AnomalyScoreKind.NeighbourMaximum;

    /// <summary>Encodes the training rows as each member's neighbour set and keeps the rows themselves for the input-space part (at most <see cref="MaxReferenceRows"/>, drawn with <paramref name="seed"/>).</summary>
    public void SetReference(Tensor trainingRows, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(trainingRows);
        DisposeReferences();
        if (!UsesLatentNeighbours && !UsesInputNeighbours)
        {
            return;
        }

        Tensor rows = BaselineScores.ReferenceRows(trainingRows, seed);
        if (UsesLatentNeighbours)
        {
            foreach (Autoencoder member in Members)
            {
                _references.Add(Codes(member, rows));
            }
        }

        if (UsesInputNeighbours)
        {
            UseReferenceRows(rows);
        }
    }

    /// <summary>Restores saved neighbour sets and standardisations (one per member), and the input-space reference rows and scale where the score uses them.</summary>
    public void RestoreReference(IReadOnlyList<Tensor> codes, IReadOnlyList<ScoreStandardization> standardizations, Tensor? referenceRows = null, ScoreScale? inputStandardization = null, ScoreScale? nearestStandardization = null, ScoreScale? rankGaussStandardization = null)
    {
        ArgumentNullException.ThrowIfNull(codes);
        ArgumentNullException.ThrowIfNull(standardizations);
        if ((UsesLatentNeighbours && codes.Count != Members.Count) || standardizations.Count != Members.Count)
        {
            throw new ArgumentException($"Expected one code set and one standardisation per member ({Members.Count}); found {codes.Count} and {standardizations.Count}.");
        }

        if (UsesInputNeighbours && referenceRows is null)
        {
            throw new ArgumentException("The input-space neighbour score needs the training rows.", nameof(referenceRows));
        }

        if (UsesNeighbourMaximum && (nearestStandardization is null || rankGaussStandardization is null))
        {
            throw new ArgumentException("The knn-max score needs the nearest-row and rank-Gauss parts' scales.", nameof(nearestStandardization));
        }

        DisposeReferences();
        _references.AddRange(codes);
        if (UsesInputNeighbours)
        {
            UseReferenceRows(referenceRows!);
        }

        _standardizations = [.. standardizations];
        InputStandardization = inputStandardization ?? ScoreScale.Identity;
        NearestStandardization = nearestStandardization ?? ScoreScale.Identity;
        RankGaussStandardization = rankGaussStandardization ?? ScoreScale.Identity;
    }

    /// <summary>
    /// Sets each part's standardisation from the raw scores of held-out normal rows (not trained on). They may also
    /// be reference rows, from position <paramref name="referenceOffset"/> on: then each is left out of its own
    /// neighbours, so a small set can search among all its normal rows and still standardise honestly. Returns
    /// those rows' standardised scores (as <see cref="ScoreParts"/> would, without a second pass).
    /// </summary>
    public AnomalyScoreParts Standardize(Tensor heldOutNormalRows, long? referenceOffset = null)
    {
        ArgumentNullException.ThrowIfNull(heldOutNormalRows);
        if (heldOutNormalRows.shape[0] < 2)
        {
            throw new ArgumentException("Standardising the scores needs at least two held-out normal rows.", nameof(heldOutNormalRows));
        }

        RawScores raw = Raw(heldOutNormalRows, referenceOffset);
        _standardizations = [.. Members.Select((member, m) =>
        {
            ScoreScale r = ScoreScale.Of(raw.Reconstruction?[m] ?? []);
            ScoreScale n = ScoreScale.Of(raw.LatentNeighbours?[m] ?? []);
            return new ScoreStandardization(r.Mean, r.Deviation, n.Mean, n.Deviation);
        })];
        // knn-max compares its parts by their upper tails, so each is scaled robustly (median, 90th percentile).
        Func<IReadOnlyList<double>, ScoreScale> scale = UsesNeighbourMaximum ? ScoreScale.Robust : ScoreScale.Of;
        InputStandardization = scale(raw.InputNeighbours ?? []);
        NearestStandardization = scale(raw.Nearest ?? []);
        RankGaussStandardization = scale(raw.RankGauss ?? []);
        return Combine(raw, (int)heldOutNormalRows.shape[0]);
    }

    /// <summary>
    /// One score per row: the mean of the standardised parts (<see cref="ScoreParts"/>). With
    /// <paramref name="rowsAreReference"/> the rows are the reference rows themselves, in order, so each row is left
    /// out of its own neighbours (a leave-one-out score, as a contamination threshold needs).
    /// </summary>
    public double[] Score(Tensor rows, bool rowsAreReference = false) => ScoreParts(rows, rowsAreReference ? 0 : null).Total;

    /// <summary>
    /// The standardised parts of each row's score and their mean (see <see cref="Score"/>). With
    /// <paramref name="referenceOffset"/> the rows are the reference rows from that position on, each left out of
    /// its own neighbours.
    /// </summary>
    public AnomalyScoreParts ScoreParts(Tensor rows, long? referenceOffset = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return Combine(Raw(rows, referenceOffset), (int)rows.shape[0]);
    }

    private RawScores Raw(Tensor rows, long? referenceOffset)
    {
        (double[] Mean, double[] Nearest)? input = UsesInputNeighbours ? RawInputNeighbours(rows, referenceOffset) : null;
        return new(
            UsesReconstruction ? [.. Members.Select(member => RawReconstruction(member, rows))] : null,
            UsesLatentNeighbours ? [.. Members.Select((_, m) => RawNeighbours(m, rows, referenceOffset))] : null,
            input?.Mean,
            UsesNeighbourMaximum ? input!.Value.Nearest : null,
            UsesNeighbourMaximum ? RawRankGaussNeighbours(rows, referenceOffset) : null);
    }

    private AnomalyScoreParts Combine(RawScores raw, int count)
    {
        double[]? reconstruction = raw.Reconstruction is null ? null
            : MemberMean(count, m => Standardized(raw.Reconstruction[m], _standardizations[m].ReconstructionMean, _standardizations[m].ReconstructionDeviation));
        double[]? latent = raw.LatentNeighbours is null ? null
            : MemberMean(count, m => Standardized(raw.LatentNeighbours[m], _standardizations[m].NeighbourMean, _standardizations[m].NeighbourDeviation));
        double[]? input = raw.InputNeighbours is null ? null : InputStandardization.Apply(raw.InputNeighbours);
        if (UsesNeighbourMaximum)
        {
            double[] nearest = NearestStandardization.Apply(raw.Nearest!);
            double[] rankGauss = RankGaussStandardization.Apply(raw.RankGauss!);
            double[] largest = [.. Enumerable.Range(0, count).Select(i => Math.Max(input![i], Math.Max(nearest[i], rankGauss[i])))];
            return new AnomalyScoreParts(largest, reconstruction, latent, input, nearest, rankGauss);
        }

        (double[]? Part, double Weight)[] present = [.. new[] { (reconstruction, 1.0), (latent, 1.0), (input, InputNeighbourWeight) }.Where(p => p.Item1 is not null)];
        double weights = present.Sum(p => p.Weight);
        double[] total = [.. Enumerable.Range(0, count).Select(i => present.Sum(p => p.Weight * p.Part![i]) / weights)];
        return new AnomalyScoreParts(total, reconstruction, latent, input);
    }

    /// <summary>Per-feature squared reconstruction errors [N, F] averaged over the members (for explaining a flag).</summary>
    public Tensor FeatureErrors(Tensor rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var scope = torch.NewDisposeScope();
        Tensor sum = Members.Select(m => new ReconstructionAnomalyDetector(m, BatchSize).FeatureScores(rows)).Aggregate((a, b) => a + b);
        return (sum / Members.Count).MoveToOuterDisposeScope();
    }

    /// <summary>Raw reconstruction score of each row under one member (see the class summary).</summary>
    public double[] RawReconstruction(Autoencoder member, Tensor rows)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(rows);
        if (member is not VariationalModel variational)
        {
            return new ReconstructionAnomalyDetector(member, BatchSize).Score(rows);
        }

        // A fixed generator: the same row gets the same score on every call.
        using var generator = new Generator(12345);
        long width = rows.numel() / Math.Max(1, rows.shape[0]);
        using Tensor scores = AnomalyThreshold.ScoreInBatches(member, rows, BatchSize, batch =>
        {
            Tensor x = batch.to_type(ScalarType.Float32);
            (Tensor mean, Tensor logVariance) = variational.Posterior(x);
            Tensor sum = torch.zeros(x.shape[0], device: x.device);
            for (int l = 0; l < VariationalSamples; l++)
            {
                sum = sum - variational.LogLikelihood(variational.DecodePreActivation(VariationalModel.Reparameterize(mean, logVariance, generator)), x);
            }

            return sum / (VariationalSamples * width);
        }, () => torch.zeros(0));
        using Tensor doubles = scores.to_type(ScalarType.Float64);
        return doubles.data<double>().ToArray();
    }

    private double[] RawNeighbours(int member, Tensor rows, long? referenceOffset)
    {
        if (_references.Count != Members.Count)
        {
            throw new InvalidOperationException("The latent neighbour score needs the training codes: call SetReference first.");
        }

        using Tensor codes = Codes(Members[member], rows);
        return NeighbourDistances(_references[member], codes, referenceOffset).Mean;
    }

    private (double[] Mean, double[] Nearest) RawInputNeighbours(Tensor rows, long? referenceOffset)
    {
        Tensor reference = _referenceRows ?? throw new InvalidOperationException("The input neighbour score needs the training rows: call SetReference first.");
        using Tensor flat = rows.reshape(rows.shape[0], -1).to_type(ScalarType.Float32);
        return NeighbourDistances(reference, flat, referenceOffset);
    }

    private double[] RawRankGaussNeighbours(Tensor rows, long? referenceOffset)
    {
        if (_rankGaussColumns is null || _rankGaussReference is null)
        {
            throw new InvalidOperationException("The rank-Gauss neighbour score needs the training rows: call SetReference first.");
        }

        using Tensor transformed = RankGaussTransform.Apply(_rankGaussColumns, rows);
        return NeighbourDistances(_rankGaussReference, transformed, referenceOffset).Mean;
    }

    private void UseReferenceRows(Tensor rows)
    {
        _referenceRows = rows;
        if (UsesNeighbourMaximum)
        {
            // Fitted on the reference rows themselves, so a saved folder rebuilds it from its baseline rows.
            _rankGaussColumns = RankGaussTransform.Fit(rows);
            _rankGaussReference = RankGaussTransform.Apply(_rankGaussColumns, rows);
        }
    }

    // Leave-one-out drops each query's own position (query q is reference row offset + q), not simply the nearest
    // hit, which for duplicated rows may be another row at distance 0.
    // Returns the mean distance to the k nearest and the distance to the nearest, from one search.
    private (double[] Mean, double[] Nearest) NeighbourDistances(Tensor reference, Tensor queries, long? referenceOffset)
    {
        int k = Math.Min(Neighbours, (int)reference.shape[0] - (referenceOffset is null ? 0 : 1));
        if (k < 1)
        {
            var none = new double[queries.shape[0]];
            return (none, none);
        }

        SearchResults found = referenceOffset is long offset
            ? ExactSearch.Search(reference, queries, k + 1).WithoutSelf([.. Enumerable.Range(0, (int)queries.shape[0]).Select(q => offset + q)], k)
            : ExactSearch.Search(reference, queries, k);
        return (found.MeanDistances(), [.. found.Distances.Select(d => d.Length == 0 ? 0 : (double)d[0])]);
    }

    private double[] MemberMean(int count, Func<int, double[]> part)
    {
        var sum = new double[count];
        for (int m = 0; m < Members.Count; m++)
        {
            double[] values = part(m);
            for (int i = 0; i < count; i++)
            {
                sum[i] += values[i] / Members.Count;
            }
        }

        return sum;
    }

    private static double[] Standardized(double[] raw, double mean, double deviation) => new ScoreScale(mean, deviation).Apply(raw);

    private Tensor Codes(Autoencoder member, Tensor rows) =>
        AnomalyThreshold.ScoreInBatches(member, rows, BatchSize, batch => member.Encode(batch.to_type(ScalarType.Float32)).reshape(batch.shape[0], -1), () => torch.zeros(0, member.Config.CodeShape.Aggregate(1L, (a, b) => a * b)));

    private void DisposeReferences()
    {
        foreach (Tensor t in _references)
        {
            t.Dispose();
        }

        _references.Clear();
        // The reference rows belong to the caller (a detector folder's baseline rows); the codes and the
        // rank-Gauss copy of the rows are ours.
        _referenceRows = null;
        _rankGaussColumns?.Dispose();
        _rankGaussColumns = null;
        _rankGaussReference?.Dispose();
        _rankGaussReference = null;
    }

    // Each part's raw scores: per member for the autoencoder parts.
    private sealed record RawScores(double[][]? Reconstruction, double[][]? LatentNeighbours, double[]? InputNeighbours, double[]? Nearest = null, double[]? RankGauss = null);
}
