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
/// <see cref="Neighbours"/> nearest training codes. <see cref="Standardize"/> fixes each raw score's mean and
/// deviation on held-out normal rows; a row's score is the average of its standardised scores (the ones
/// <see cref="ScoreKind"/> selects) over the members. A score of 0 is a typical normal row; 3 is three deviations out.
/// </summary>
public sealed class AutoencoderAnomalyScorer
{
    /// <summary>Neighbours the latent distance averages over (scikit-learn's k-NN detector default).</summary>
    public const int DefaultNeighbours = 5;

    /// <summary>At most this many training codes are kept as neighbours (a seeded sample beyond it), bounding time and memory.</summary>
    public const int MaxReferenceRows = 20_000;

    /// <summary>Draws of z per row for a variational member's reconstruction probability.</summary>
    public const int VariationalSamples = 10;

    private readonly List<Tensor> _references = [];
    private ScoreStandardization[] _standardizations;

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

    /// <summary>k of the latent neighbour distance.</summary>
    public int Neighbours { get; }

    /// <summary>Rows per forward pass.</summary>
    public int BatchSize { get; }

    /// <summary>Each member's training codes that neighbours are searched among (empty until <see cref="SetReference"/> or <see cref="RestoreReference"/>).</summary>
    public IReadOnlyList<Tensor> ReferenceCodes => _references;

    /// <summary>Each member's standardisation (identity until <see cref="Standardize"/>).</summary>
    public IReadOnlyList<ScoreStandardization> Standardizations => _standardizations;

    private bool UsesNeighbours => ScoreKind != AnomalyScoreKind.Reconstruction;

    private bool UsesReconstruction => ScoreKind != AnomalyScoreKind.LatentNeighbours;

    /// <summary>Encodes the training rows as each member's neighbour set (at most <see cref="MaxReferenceRows"/>, drawn with <paramref name="seed"/>).</summary>
    public void SetReference(Tensor trainingRows, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(trainingRows);
        if (!UsesNeighbours)
        {
            return;
        }

        Tensor rows = trainingRows;
        if (rows.shape[0] > MaxReferenceRows)
        {
            using var generator = new Generator((ulong)seed);
            rows = rows.index_select(0, torch.randperm(rows.shape[0], generator: generator).narrow(0, 0, MaxReferenceRows));
        }

        DisposeReferences();
        foreach (Autoencoder member in Members)
        {
            _references.Add(Codes(member, rows));
        }
    }

    /// <summary>Restores saved neighbour sets and standardisations (one per member).</summary>
    public void RestoreReference(IReadOnlyList<Tensor> codes, IReadOnlyList<ScoreStandardization> standardizations)
    {
        ArgumentNullException.ThrowIfNull(codes);
        ArgumentNullException.ThrowIfNull(standardizations);
        if ((UsesNeighbours && codes.Count != Members.Count) || standardizations.Count != Members.Count)
        {
            throw new ArgumentException($"Expected one code set and one standardisation per member ({Members.Count}); found {codes.Count} and {standardizations.Count}.");
        }

        DisposeReferences();
        _references.AddRange(codes);
        _standardizations = [.. standardizations];
    }

    /// <summary>Sets each member's standardisation from the raw scores of held-out normal rows (not trained on, not in the neighbour set).</summary>
    public void Standardize(Tensor heldOutNormalRows)
    {
        ArgumentNullException.ThrowIfNull(heldOutNormalRows);
        if (heldOutNormalRows.shape[0] < 2)
        {
            throw new ArgumentException("Standardising the scores needs at least two held-out normal rows.", nameof(heldOutNormalRows));
        }

        _standardizations = [.. Members.Select((member, m) =>
        {
            (double rm, double rs) = MeanAndDeviation(UsesReconstruction ? RawReconstruction(member, heldOutNormalRows) : []);
            (double nm, double ns) = MeanAndDeviation(UsesNeighbours ? RawNeighbours(m, heldOutNormalRows, excludeSelf: false) : []);
            return new ScoreStandardization(rm, rs, nm, ns);
        })];
    }

    /// <summary>
    /// One score per row: the average standardised score. With <paramref name="rowsAreReference"/> the rows are the
    /// training rows themselves, so each row's own code is left out of its neighbours (a leave-one-out score, as
    /// a contamination threshold needs).
    /// </summary>
    public double[] Score(Tensor rows, bool rowsAreReference = false)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var total = new double[rows.shape[0]];
        int parts = 0;
        for (int m = 0; m < Members.Count; m++)
        {
            ScoreStandardization s = _standardizations[m];
            if (UsesReconstruction)
            {
                Accumulate(total, RawReconstruction(Members[m], rows), s.ReconstructionMean, s.ReconstructionDeviation);
                parts++;
            }

            if (UsesNeighbours)
            {
                Accumulate(total, RawNeighbours(m, rows, rowsAreReference), s.NeighbourMean, s.NeighbourDeviation);
                parts++;
            }
        }

        for (int i = 0; i < total.Length; i++)
        {
            total[i] /= parts;
        }

        return total;
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

    private double[] RawNeighbours(int member, Tensor rows, bool excludeSelf)
    {
        if (_references.Count != Members.Count)
        {
            throw new InvalidOperationException("The latent neighbour score needs the training codes: call SetReference first.");
        }

        using Tensor codes = Codes(Members[member], rows);
        int k = excludeSelf ? Neighbours + 1 : Neighbours;
        SearchResults found = ExactSearch.Search(_references[member], codes, k);
        return [.. found.Distances.Select(d => (excludeSelf ? d.Skip(1) : d).DefaultIfEmpty(0f).Average(v => (double)v))];
    }

    private Tensor Codes(Autoencoder member, Tensor rows) =>
        AnomalyThreshold.ScoreInBatches(member, rows, BatchSize, batch => member.Encode(batch.to_type(ScalarType.Float32)).reshape(batch.shape[0], -1), () => torch.zeros(0, member.Config.CodeShape.Aggregate(1L, (a, b) => a * b)));

    private static void Accumulate(double[] total, double[] raw, double mean, double deviation)
    {
        double scale = deviation > 0 ? deviation : 1;
        for (int i = 0; i < total.Length; i++)
        {
            total[i] += (raw[i] - mean) / scale;
        }
    }

    private static (double Mean, double Deviation) MeanAndDeviation(double[] values)
    {
        if (values.Length == 0)
        {
            return (0, 1);
        }

        double mean = values.Average();
        double deviation = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
        return (mean, deviation > 0 ? deviation : 1);
    }

    private void DisposeReferences()
    {
        foreach (Tensor t in _references)
        {
            t.Dispose();
        }

        _references.Clear();
    }
}
