using AutoEncoders.Applications.Anomaly;
using AutoEncoders.Cli.Commands;
using AutoEncoders.Data;
using AutoEncoders.Persistence;
using static TorchSharp.torch;

namespace AutoEncoders.Cli;

/// <summary>
/// A detector folder on disk: member-0, member-1, ... (one trained autoencoder each), codes-M.npy (member M's
/// training codes for the latent neighbour score), baseline-rows.npy (the training rows the PCA and k-NN baselines
/// use), normalizer.json and detector.json. It is written into a sibling staging folder and moved into place, so a
/// failed fit leaves nothing behind and a refit replaces the old detector whole.
/// </summary>
internal sealed class DetectorFolder : IDisposable
{
    public const string BaselineRowsName = "baseline-rows.npy";

    private readonly List<TrainedAutoencoder> _members;

    private DetectorFolder(List<TrainedAutoencoder> members, AutoencoderAnomalyScorer scorer, Tensor? baselineRows)
    {
        _members = members;
        Scorer = scorer;
        BaselineRows = baselineRows;
    }

    public AutoencoderAnomalyScorer Scorer { get; }

    /// <summary>The baselines' training rows; null in a folder written before they were saved.</summary>
    public Tensor? BaselineRows { get; }

    public static string MemberName(int member) => $"member-{member}";

    public static string CodesName(int member) => $"codes-{member}.npy";

    /// <summary>True when <paramref name="directory"/> holds a sequence detector (sequence-detector.json) rather than a table or image one.</summary>
    public static bool IsSequenceDetector(string directory) => File.Exists(Path.Combine(directory, SequenceDetectorFile.FileName));

    /// <summary>Refuses an output that exists and is something other than a detector folder (table, image or sequence; it would be replaced).</summary>
    public static void CheckWritable(string directory)
    {
        if (File.Exists(directory))
        {
            throw new ArgumentException($"{directory}: exists and is a file; --out names the detector folder to write.");
        }

        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any() && !File.Exists(Path.Combine(directory, DetectorFile.FileName)) && !IsSequenceDetector(directory))
        {
            throw new ArgumentException($"{directory}: exists, is not empty and is not a detector folder; choose a new --out (a detector folder is replaced whole).");
        }
    }

    /// <summary>Fills a staging folder with <paramref name="fill"/>, then moves it to <paramref name="directory"/> (replacing an older detector there).</summary>
    public static void Write(string directory, Action<string> fill)
    {
        string full = Path.GetFullPath(directory);
        string staging = $"{full.TrimEnd(Path.DirectorySeparatorChar)}.tmp-{Environment.ProcessId}";
        try
        {
            Directory.CreateDirectory(staging);
            fill(staging);
            if (Directory.Exists(full))
            {
                Directory.Delete(full, recursive: true);
            }

            Directory.Move(staging, full);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>Loads the members, their codes and standardisations, and the baseline rows.</summary>
    public static DetectorFolder Load(string folder, DetectorFile settings)
    {
        var members = new List<TrainedAutoencoder>();
        try
        {
            if (settings.Members is int count)
            {
                for (int m = 0; m < count; m++)
                {
                    members.Add(TrainedAutoencoder.Load(Path.Combine(folder, MemberName(m))));
                }
            }
            else
            {
                members.Add(TrainedAutoencoder.Load(folder));
            }

            AnomalyScoreKind score = DetectCommand.ScoreFromName(settings.Score);
            if (score == AnomalyScoreKind.Combined && settings.InputStandardization is null)
            {
                // Before December 2026's selection the combined score had two parts; its standardisation lacks the third.
                throw new InvalidDataException($"{Path.Combine(folder, DetectorFile.FileName)}: a combined score without the input k-NN part's standardisation (written by an older ae); refit with `ae detect fit`.");
            }

            string baseline = Path.Combine(folder, BaselineRowsName);
            Tensor? baselineRows = File.Exists(baseline) || settings.InputStandardization is not null ? ReadNpy(folder, BaselineRowsName) : null;
            var scorer = new AutoencoderAnomalyScorer([.. members.Select(t => t.Model)], score, settings.Neighbours ?? AutoencoderAnomalyScorer.DefaultNeighbours);
            IReadOnlyList<ScoreStandardization> standardizations = settings.Standardizations ?? [.. members.Select(_ => ScoreStandardization.Identity)];
            List<Tensor> codes = scorer.UsesLatentNeighbours ? [.. Enumerable.Range(0, members.Count).Select(m => ReadNpy(folder, CodesName(m)))] : [];
            if (score == AnomalyScoreKind.NeighbourMaximum && (baselineRows is null || settings.NearestStandardization is null || settings.RankGaussStandardization is null))
            {
                throw new InvalidDataException($"{Path.Combine(folder, DetectorFile.FileName)}: a knn-max score without its training rows or its parts' scales; refit with `ae detect fit`.");
            }

            scorer.RestoreReference(codes, standardizations, baselineRows, settings.InputStandardization, settings.NearestStandardization, settings.RankGaussStandardization);
            return new DetectorFolder(members, scorer, baselineRows);
        }
        catch
        {
            members.ForEach(m => m.Dispose());
            throw;
        }
    }

    public void Dispose()
    {
        _members.ForEach(m => m.Dispose());
        BaselineRows?.Dispose();
    }

    private static Tensor ReadNpy(string folder, string name)
    {
        string path = Path.Combine(folder, name);
        return File.Exists(path)
            ? NpyFile.Read(path)
            : throw new FileNotFoundException($"{path}: missing; the detector folder is incomplete (refit with `ae detect fit`).", path);
    }
}
