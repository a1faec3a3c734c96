using ScottPlot;
using SkiaSharp;

namespace AutoEncoders.Visualization;

/// <summary>ScottPlot plots in one house style, and several plots composed side by side into one PNG.</summary>
internal static class Charts
{
    /// <summary>Colours for classes and runs: Category10 (Vega/d3), or Category20 beyond ten.</summary>
    public static ScottPlot.Color ColorFor(int index, int count) =>
        count <= 10 ? new ScottPlot.Palettes.Category10().GetColor(index) : new ScottPlot.Palettes.Category20().GetColor(index);

    /// <summary>A new plot using the picture font.</summary>
    public static Plot NewPlot(string? title = null, string? xLabel = null, string? yLabel = null)
    {
        PictureFont.ConfigureScottPlot();
        var plot = new Plot();
        plot.Font.Set(PictureFont.Family);
        plot.Legend.FontName = PictureFont.Family;
        if (title is not null)
        {
            plot.Title(title, 14);
        }

        if (xLabel is not null)
        {
            plot.XLabel(xLabel, 13);
        }

        if (yLabel is not null)
        {
            plot.YLabel(yLabel, 13);
        }

        return plot;
    }

    /// <summary>
    /// Renders <paramref name="plots"/> in a grid of <paramref name="columns"/> panels of the given size, with an
    /// optional title above, writes the PNG and disposes the plots.
    /// </summary>
    public static PictureFile SavePanels(IReadOnlyList<Plot> plots, int columns, int panelWidth, int panelHeight, string path, string? heading, string title, string description)
    {
        ArgumentNullException.ThrowIfNull(plots);
        try
        {
            if (plots.Count == 0)
            {
                throw new ArgumentException("There are no plots to draw.", nameof(plots));
            }

            columns = Math.Clamp(columns, 1, plots.Count);
            int rows = (plots.Count + columns - 1) / columns;
            const float headingSize = 16f;
            int headingHeight = heading is null ? 0 : (int)(headingSize * 2);
            using SKSurface surface = PngOutput.NewSurface(columns * panelWidth, headingHeight + (rows * panelHeight));
            SKCanvas canvas = surface.Canvas;
            if (heading is not null)
            {
                PngOutput.DrawText(canvas, heading, columns * panelWidth / 2f, headingSize * 1.4f, headingSize, bold: true, align: SKTextAlign.Center);
            }

            for (int i = 0; i < plots.Count; i++)
            {
                canvas.Save();
                canvas.Translate((i % columns) * panelWidth, headingHeight + ((i / columns) * panelHeight));
                canvas.ClipRect(SKRect.Create(0, 0, panelWidth, panelHeight));
                plots[i].Render(canvas, panelWidth, panelHeight);
                canvas.Restore();
            }

            return PngOutput.Save(surface, path, title, description);
        }
        finally
        {
            foreach (Plot plot in plots)
            {
                plot.Dispose();
            }
        }
    }
}
