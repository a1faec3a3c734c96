using System.Globalization;
using AutoEncoders.Objectives;
using ScottPlot;

namespace AutoEncoders.Visualization;

/// <summary>
/// The KL sparsity penalty of one unit, KL(rho || rho_hat) = rho log(rho / rho_hat) + (1 - rho) log((1 - rho) / (1 - rho_hat)),
/// as a curve over the unit's mean activation rho_hat in (0, 1) for a target rho, beside the squared form
/// (rho_hat - rho)^2: the KL form is zero at rho_hat = rho, grows without bound as rho_hat approaches 0 or 1, and
/// is asymmetric (Ng, "Sparse autoencoder", CS294A notes).
/// </summary>
public static class SparsityPenaltyCurve
{
    /// <summary>KL(rho || rho_hat) for one unit, with rho_hat clamped like <see cref="KlSparsityPenalty"/> does.</summary>
    public static double Kl(double rho, double rhoHat)
    {
        CheckTarget(rho);
        double q = Math.Clamp(rhoHat, KlSparsityPenalty.Epsilon, 1 - KlSparsityPenalty.Epsilon);
        return (rho * Math.Log(rho / q)) + ((1 - rho) * Math.Log((1 - rho) / (1 - q)));
    }

    /// <summary>(rho_hat - rho)^2 for one unit, as <see cref="SquaredSparsityPenalty"/> computes.</summary>
    public static double Squared(double rho, double rhoHat)
    {
        CheckTarget(rho);
        return (rhoHat - rho) * (rhoHat - rho);
    }

    /// <summary>Draws both penalties over rho_hat in [0.005, 0.995] for target <paramref name="rho"/> and writes the PNG.</summary>
    public static PictureFile Save(double rho, string path, int points = 199)
    {
        CheckTarget(rho);
        ArgumentOutOfRangeException.ThrowIfLessThan(points, 3);
        double[] xs = Enumerable.Range(0, points).Select(i => 0.005 + (0.99 * i / (points - 1))).ToArray();
        Plot plot = Charts.NewPlot(string.Create(CultureInfo.InvariantCulture, $"Sparsity penalty of one unit, target rho = {rho:0.###}"), "mean activation rho_hat", "penalty");
        ScottPlot.Plottables.Scatter kl = plot.Add.ScatterLine(xs, xs.Select(x => Kl(rho, x)).ToArray(), Charts.ColorFor(0, 10));
        kl.LegendText = "KL(rho || rho_hat)";
        kl.LineWidth = 2;
        ScottPlot.Plottables.Scatter squared = plot.Add.ScatterLine(xs, xs.Select(x => Squared(rho, x)).ToArray(), Charts.ColorFor(1, 10));
        squared.LegendText = "(rho_hat - rho)^2";
        squared.LineWidth = 2;
        ScottPlot.Plottables.VerticalLine target = plot.Add.VerticalLine(rho, 1, ScottPlot.Colors.Gray, LinePattern.Dashed);
        target.LegendText = "target rho";
        plot.Axes.SetLimitsY(-0.1, Math.Min(Kl(rho, xs[^1]), 5) * 1.05);
        plot.ShowLegend(Alignment.UpperCenter);
        return Charts.SavePanels([plot], 1, 640, 420, path, null, "Sparsity penalty",
            string.Create(CultureInfo.InvariantCulture, $"The KL sparsity penalty of one unit over its mean activation, for the target rho = {rho:0.###}, with the squared-error form for comparison; both are zero at rho_hat = rho; the KL form is asymmetric and grows without bound as rho_hat approaches 0 or 1 (for a small target the rise near 0 comes only in the last thousandths), while the squared form stays below 1."));
    }

    private static void CheckTarget(double rho)
    {
        if (!(rho > 0 && rho < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(rho), rho, "The sparsity target rho must lie strictly between 0 and 1.");
        }
    }
}
