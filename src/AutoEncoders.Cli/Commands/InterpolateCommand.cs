using System.CommandLine;
using System.Globalization;
using AutoEncoders.Data;
using AutoEncoders.Visualization;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// `ae interpolate MODEL_DIR`: decodings of codes on the straight line between the codes of two inputs
/// (posterior means for variational models), as a PNG strip per pair and optionally as values.
/// </summary>
internal static class InterpolateCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out", "-o") { Description = "The PNG to write (one strip per pair, originals at the ends).", DefaultValueFactory = _ => "interpolations.png" };
        var values = new Option<string?>("--values") { Description = "Also write the decodings [pairs x steps, values] to this .npy or .csv file." };
        var pairs = new Option<int>("--pairs") { Description = "Random pairs of samples (chosen with --seed).", DefaultValueFactory = _ => 4 };
        var steps = new Option<int>("--steps") { Description = "Codes per strip, both ends included.", DefaultValueFactory = _ => 8 };
        var from = new Option<long?>("--from") { Description = "Index of the first sample of one explicit pair (with --to)." };
        var to = new Option<long?>("--to") { Description = "Index of the second sample of the explicit pair." };
        var imageShape = new Option<string?>("--image-shape") { Description = "Shape of one sample as C,H,W (e.g. 1,28,28) when it cannot be inferred." };
        return ModelOnDataCommand.Create("interpolate", "Interpolate in latent space between the codes of two inputs and decode; writes a PNG and, with --values, the decodings.", [output, values, pairs, steps, from, to, imageShape], run =>
        {
            ParseResult parse = run.Parse;
            int stepCount = parse.GetValue(steps);
            if (stepCount < 2 || parse.GetValue(pairs) < 1)
            {
                throw new ArgumentException("--steps must be at least 2 and --pairs at least 1.");
            }

            TensorDataset data = run.Data;
            ImageLayout layout = parse.GetValue(imageShape) is { } shape ? ImageLayout.Parse(shape) : ImageLayout.Infer(data.SampleShape);
            string png = parse.GetValue(output)!;
            long seed = parse.GetValue<int?>("--seed") ?? 0;
            using var scope = torch.NewDisposeScope();
            Tensor strips;
            if (parse.GetValue(from) is long a && parse.GetValue(to) is long b)
            {
                if (a < 0 || b < 0 || a >= data.Count || b >= data.Count)
                {
                    throw new ArgumentException($"--from {a} and --to {b} must index the {data.Count} samples of {data.Name} (0..{data.Count - 1}).");
                }

                Tensor first = data.Features.narrow(0, a, 1), second = data.Features.narrow(0, b, 1);
                strips = GenerativeViews.Interpolate(run.Model.Model, first, second, stepCount);
                var grid = new ImageGrid(layout, stepCount + 2) { Title = "Interpolating between the codes of two inputs (originals at the ends)" };
                grid.AddRow(torch.cat([first.reshape(1, -1), strips[0], second.reshape(1, -1)]));
                grid.Save(png, "Interpolation", string.Create(CultureInfo.InvariantCulture, $"Samples {a} and {b} of {data.Name}; between them the decodings of {stepCount} codes on the line between their codes."));
            }
            else if (parse.GetValue(from) is not null || parse.GetValue(to) is not null)
            {
                throw new ArgumentException("--from and --to go together: give both indices, or neither for random pairs.");
            }
            else
            {
                GenerativeViews.SaveInterpolations(run.Model.Model, data.Features, layout, png, parse.GetValue(pairs), stepCount, seed);
                using var generator = new Generator((ulong)seed);
                long count = Math.Min(parse.GetValue(pairs), data.Count / 2);
                Tensor order = torch.randperm(data.Count, generator: generator).narrow(0, 0, 2 * count);
                strips = GenerativeViews.Interpolate(run.Model.Model, data.Features.index_select(0, order.narrow(0, 0, count)), data.Features.index_select(0, order.narrow(0, count, count)), stepCount);
            }

            run.Output.WriteLine($"wrote {png}");
            if (parse.GetValue(values) is { } path)
            {
                TensorFileWriter.Write(path, strips.reshape(-1, strips.shape[2]), labels: null, columnPrefix: "x");
                run.Output.WriteLine($"wrote {path}");
            }

            return 0;
        });
    }
}
