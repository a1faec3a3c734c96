using System.Globalization;
using AutoEncoders.Data;
using AutoEncoders.Serving;
using static TorchSharp.torch;

namespace AutoEncoders.Cli.Serve;

/// <summary>
/// A folder written by `ae detect fit`, loaded for `ae serve --detector`: rows arrive as the user has them (table
/// columns in the detector's order, or flattened images) and are normalised as at fit time before scoring.
/// </summary>
internal static class ServedDetectorFolder
{
    public static (ServedDetector Detector, IDisposable Owner) Load(string folder)
    {
        DetectorFile settings = DetectorFile.Load(folder);
        DetectorFolder loaded = DetectorFolder.Load(folder, settings);
        try
        {
            ColumnNormalizer? normalizer = settings.Kind == DetectorFile.Table && settings.Normalizer is not null
                ? ColumnNormalizer.Load(Path.Combine(folder, DetectorFile.NormalizerFileName))
                : null;
            long[] shape = loaded.Scorer.Members[0].Config.InputShape;
            long features = shape.Aggregate(1L, (a, b) => a * b);
            Tensor Prepare(Tensor rows) => (normalizer?.Transform(rows) ?? rows).reshape([rows.shape[0], .. shape]);
            var detector = new ServedDetector(
                features,
                settings.Threshold,
                rows => loaded.Scorer.Score(Prepare(rows)),
                rows => loaded.Scorer.FeatureErrors(Prepare(rows)).reshape(rows.shape[0], -1),
                normalizer?.Columns ?? settings.Columns,
                string.Create(CultureInfo.InvariantCulture, $"{settings.Detector ?? "dense"} detector on {(settings.Kind == DetectorFile.Table ? $"{features} table columns" : $"images of {features} values")}, {settings.Score ?? "reconstruction"} score, threshold {settings.Threshold:G5} ({settings.Rule})"));
            return (detector, loaded);
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
    }
}
