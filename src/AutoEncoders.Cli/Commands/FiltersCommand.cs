using System.CommandLine;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using AutoEncoders.Visualization;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// `ae filters MODEL_DIR... -o filters.png`: the first-layer filters of one model, or of several side by side (a
/// plain autoencoder beside a denoising one of the same size: Vincent et al., 2008, figure 3).
/// </summary>
internal static class FiltersCommand
{
    public static Command Create()
    {
        var models = new Argument<string[]>("models") { Description = "One or more model directories; several are drawn side by side, in the order given.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out", "-o") { Description = "The PNG to write.", DefaultValueFactory = _ => "filters.png" };
        var labels = new Option<string?>("--labels") { Description = "Comma-separated panel titles, one per model (default: the model directories' names)." };
        var count = new Option<int>("--count", "-n") { Description = "Filters (first-layer units 0..N-1) drawn per model.", DefaultValueFactory = _ => 100 };
        var columns = new Option<int>("--columns") { Description = "Filters per row.", DefaultValueFactory = _ => 10 };
        var imageShape = new Option<string?>("--image-shape") { Description = "Shape of one sample as C,H,W (e.g. 1,28,28) when it cannot be inferred." };
        var command = new Command("filters", "Draw the first-layer filters of a model as images, or of several models side by side (a plain and a denoising autoencoder of the same size, say); writes a PNG.")
        {
            models, output, labels, count, columns, imageShape,
        };
        command.SetAction(parse =>
        {
            string[] directories = parse.GetValue(models)!;
            string[] titles = parse.GetValue(labels) is string text
                ? text.Split(',', StringSplitOptions.TrimEntries)
                : [.. directories.Select(d => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(d))))];
            if (titles.Length != directories.Length)
            {
                throw new ArgumentException($"--labels: {titles.Length} label(s) for {directories.Length} model(s); give one per model.");
            }

            if (parse.GetValue(columns) < 1)
            {
                throw new ArgumentException($"--columns: must be at least 1; found {parse.GetValue(columns)}.");
            }

            TorchRuntime.EnsureLoaded();
            var loaded = new List<TrainedAutoencoder>();
            try
            {
                foreach (string directory in directories)
                {
                    loaded.Add(TrainedAutoencoder.Load(directory));
                }

                ImageLayout layout = parse.GetValue(imageShape) is { } shape ? ImageLayout.Parse(shape) : ImageLayout.Infer(loaded[0].Manifest.Model.InputShape);
                PictureFile picture = UnitPictures.SaveFilterComparison([.. loaded.Select((m, i) => (titles[i], m.Model))], layout, parse.GetValue(output)!, parse.GetValue(count), parse.GetValue(columns));
                parse.InvocationConfiguration.Output.WriteLine($"wrote {picture.Path} ({picture.Width}x{picture.Height}): first-layer filters of {string.Join(", ", titles)}");
                return 0;
            }
            finally
            {
                foreach (TrainedAutoencoder model in loaded)
                {
                    model.Dispose();
                }
            }
        });
        return command;
    }
}
