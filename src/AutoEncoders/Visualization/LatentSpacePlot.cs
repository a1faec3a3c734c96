using System.Globalization;
using AutoEncoders.Evaluation;
using ScottPlot;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Visualization;

/// <summary>
/// Where test samples land in the code space, coloured by label with a legend of class names: a plain scatter for
/// 2-D codes; a strip plot for 1-D codes; four views from fixed angles for 3-D codes (rotated, then projected on the
/// screen plane); and for more dimensions the first two principal components of the codes beside the first two of
/// the raw data, Hinton and Salakhutdinov's (2006) comparison of an autoencoder's codes with PCA.
/// </summary>
public static class LatentSpacePlot
{
    /// <summary>The fixed (azimuth, elevation) viewing angles of 3-D codes, in degrees.</summary>
    public static IReadOnlyList<(double Azimuth, double Elevation)> Views3D { get; } = [(30, 20), (120, 20), (210, 20), (30, 75)];

    /// <summary>
    /// Draws codes [N, d] (flattened when they have more dimensions) with optional labels [N] and writes the PNG.
    /// <paramref name="rawData"/> [N, ...] (the inputs of the same samples) adds the PCA-of-the-data panel for d &gt; 3.
    /// </summary>
    public static PictureFile Save(Tensor codes, Tensor? labels, IReadOnlyList<string>? classNames, string path, Tensor? rawData = null)
    {
        ArgumentNullException.ThrowIfNull(codes);
        using var scope = torch.NewDisposeScope();
        Tensor z = codes.detach().reshape(codes.shape[0], -1).to_type(ScalarType.Float32).cpu();
        long n = z.shape[0], d = z.shape[1];
        if (n < 2)
        {
            throw new ArgumentException($"A latent-space plot needs at least two codes; found {n}.", nameof(codes));
        }

        if (labels is not null && (labels.dim() != 1 || labels.shape[0] != n))
        {
            throw new ArgumentException($"Labels must be one per code ({n}); found shape [{string.Join(", ", labels.shape)}].", nameof(labels));
        }

        long[]? y = labels?.cpu().to_type(ScalarType.Int64).data<long>().ToArray();
        string count = n.ToString(CultureInfo.InvariantCulture);
        switch (d)
        {
            case 1:
                return Charts.SavePanels([Strip(z, y, classNames)], 1, 760, 480, path, null, "Latent space",
                    $"The 1-D codes of {count} test samples, one row per class (vertical jitter only for legibility).");
            case 2:
                return Charts.SavePanels([Scatter(Columns(z, 0), Columns(z, 1), y, classNames, "Codes", "z1", "z2", legend: true)], 1, 760, 600, path, null, "Latent space",
                    $"The 2-D codes of {count} test samples, coloured by class.");
            case 3:
                var views = new List<Plot>();
                for (int i = 0; i < Views3D.Count; i++)
                {
                    (double azimuth, double elevation) = Views3D[i];
                    Tensor projected = Project3D(z - z.mean([0]), azimuth, elevation);
                    Plot view = Scatter(Columns(projected, 0), Columns(projected, 1), y, classNames,
                        string.Create(CultureInfo.InvariantCulture, $"azimuth {azimuth:0}°, elevation {elevation:0}°"), null, null, legend: i == Views3D.Count - 1);
                    AddAxisGlyph(view, projected, azimuth, elevation);
                    views.Add(view);
                }

                return Charts.SavePanels(views, 2, 620, 480, path, "3-D codes from four fixed angles", "Latent space (3-D)",
                    $"The 3-D codes of {count} test samples, centred, rotated (azimuth about z1-z2's normal, then elevation) and projected on the screen; the short lines show the code axes.");
            default:
                var panels = new List<Plot>();
                using (PrincipalComponentAnalysis codePca = PrincipalComponentAnalysis.Fit(z, 2))
                {
                    Tensor c = codePca.Transform(z);
                    double share = codePca.ExplainedVarianceRatio.Sum();
                    panels.Add(Scatter(Columns(c, 0), Columns(c, 1), y, classNames,
                        string.Create(CultureInfo.InvariantCulture, $"Autoencoder codes ({d}-D), PCA-2 ({share * 100:0}% of variance)"), "PC 1", "PC 2", legend: rawData is null));
                }

                if (rawData is not null)
                {
                    if (rawData.shape[0] != n)
                    {
                        throw new ArgumentException($"The raw data must hold the same {n} samples as the codes; found {rawData.shape[0]}.", nameof(rawData));
                    }

                    Tensor x = rawData.detach().reshape(n, -1).to_type(ScalarType.Float32).cpu();
                    using PrincipalComponentAnalysis dataPca = PrincipalComponentAnalysis.Fit(x, 2);
                    Tensor p = dataPca.Transform(x);
                    panels.Add(Scatter(Columns(p, 0), Columns(p, 1), y, classNames,
                        string.Create(CultureInfo.InvariantCulture, $"PCA of the raw data ({x.shape[1]}-D), PCA-2 ({dataPca.ExplainedVarianceRatio.Sum() * 100:0}% of variance)"), "PC 1", "PC 2", legend: true));
                }

                return Charts.SavePanels(panels, 2, 640, 520, path, null, "Latent space",
                    rawData is null
                        ? $"The first two principal components of the {d}-D codes of {count} test samples, coloured by class."
                        : $"Left: the first two principal components of the {d}-D codes of {count} test samples. Right: the first two principal components of the same samples' raw data (Hinton and Salakhutdinov, 2006).");
        }
    }

    /// <summary>
    /// Rotates centred 3-D points [N, 3] by <paramref name="azimuthDegrees"/> about the third axis, then tilts them by
    /// <paramref name="elevationDegrees"/> about the screen's horizontal axis, and returns the screen coordinates [N, 2].
    /// </summary>
    public static Tensor Project3D(Tensor points, double azimuthDegrees, double elevationDegrees)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.dim() != 2 || points.shape[1] != 3)
        {
            throw new ArgumentException($"Expected points shaped [N, 3]; found [{string.Join(", ", points.shape)}].", nameof(points));
        }

        using var scope = torch.NewDisposeScope();
        Tensor rotation = RotationMatrix(azimuthDegrees, elevationDegrees);
        return points.to_type(ScalarType.Float32).matmul(rotation.t()).narrow(1, 0, 2).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// R = R_x(elevation - 90°) R_z(azimuth) [3, 3]: elevation 90° looks straight down the third axis (the z1-z2 plane
    /// as a plain scatter); lower elevations tilt the third axis into view, upwards on the screen.
    /// </summary>
    public static Tensor RotationMatrix(double azimuthDegrees, double elevationDegrees)
    {
        double a = azimuthDegrees * Math.PI / 180, e = (elevationDegrees - 90) * Math.PI / 180;
        double[,] rz = { { Math.Cos(a), -Math.Sin(a), 0 }, { Math.Sin(a), Math.Cos(a), 0 }, { 0, 0, 1 } };
        double[,] rx = { { 1, 0, 0 }, { 0, Math.Cos(e), -Math.Sin(e) }, { 0, Math.Sin(e), Math.Cos(e) } };
        var r = new float[3, 3];
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                double sum = 0;
                for (int k = 0; k < 3; k++)
                {
                    sum += rx[i, k] * rz[k, j];
                }

                r[i, j] = (float)sum;
            }
        }

        return torch.tensor(r);
    }

    private static double[] Columns(Tensor points, int column) =>
        points.select(1, column).to_type(ScalarType.Float64).contiguous().data<double>().ToArray();

    private static Plot Scatter(double[] xs, double[] ys, long[]? labels, IReadOnlyList<string>? classNames, string title, string? xLabel, string? yLabel, bool legend)
    {
        Plot plot = Charts.NewPlot(title, xLabel, yLabel);
        float markerSize = xs.Length > 3000 ? 2 : xs.Length > 500 ? 3 : 5;
        foreach ((long label, string name, int index, int count) in Groups(labels, classNames))
        {
            int[] members = labels is null ? Enumerable.Range(0, xs.Length).ToArray() : Enumerable.Range(0, xs.Length).Where(i => labels[i] == label).ToArray();
            ScottPlot.Plottables.Scatter points = plot.Add.ScatterPoints(members.Select(i => xs[i]).ToArray(), members.Select(i => ys[i]).ToArray(), Charts.ColorFor(index, count));
            points.MarkerSize = markerSize;
            points.LegendText = name;
        }

        if (legend && labels is not null)
        {
            plot.ShowLegend(Edge.Right);
        }
        else
        {
            plot.HideLegend();
        }

        return plot;
    }

    private static Plot Strip(Tensor z, long[]? labels, IReadOnlyList<string>? classNames)
    {
        double[] xs = Columns(z, 0);
        var groups = Groups(labels, classNames).ToList();
        using var generator = new Generator(0);
        double[] jitter = (torch.rand(xs.Length, generator: generator, dtype: ScalarType.Float64) - 0.5).mul(0.5).data<double>().ToArray();
        var rows = new double[xs.Length];
        for (int i = 0; i < xs.Length; i++)
        {
            int row = labels is null ? 0 : groups.FindIndex(g => g.Label == labels[i]);
            rows[i] = row + jitter[i];
        }

        Plot plot = Scatter(xs, rows, labels, classNames, "1-D codes by class", "z1", labels is null ? null : "class", legend: true);
        if (labels is not null)
        {
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                Enumerable.Range(0, groups.Count).Select(i => (double)i).ToArray(), groups.Select(g => g.Name).ToArray());
        }

        return plot;
    }

    private static IEnumerable<(long Label, string Name, int Index, int Count)> Groups(long[]? labels, IReadOnlyList<string>? classNames)
    {
        if (labels is null)
        {
            yield return (0, "test samples", 0, 1);
            yield break;
        }

        long[] distinct = labels.Distinct().Order().ToArray();
        for (int i = 0; i < distinct.Length; i++)
        {
            long label = distinct[i];
            string name = classNames is not null && label >= 0 && label < classNames.Count ? classNames[(int)label] : label.ToString(CultureInfo.InvariantCulture);
            yield return (label, name, i, distinct.Length);
        }
    }

    private static void AddAxisGlyph(Plot plot, Tensor projected, double azimuth, double elevation)
    {
        // Short lines from the origin along each projected code axis, scaled to a fifth of the data's spread.
        double spread = projected.abs().max().item<float>() * 0.4;
        using Tensor axes = Project3D(torch.eye(3), azimuth, elevation);
        float[] ends = axes.contiguous().data<float>().ToArray();
        for (int k = 0; k < 3; k++)
        {
            double ex = ends[2 * k] * spread, ey = ends[(2 * k) + 1] * spread;
            ScottPlot.Plottables.Scatter line = plot.Add.ScatterLine(new[] { 0.0, ex }, new[] { 0.0, ey }, ScottPlot.Colors.Black);
            line.LineWidth = 1.5f;
            ScottPlot.Plottables.Text text = plot.Add.Text($"z{k + 1}", ex, ey);
            text.LabelFontSize = 12;
            text.LabelFontName = PictureFont.Family;
        }
    }
}
