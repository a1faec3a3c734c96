using System.CommandLine;
using System.Globalization;
using AutoEncoders.Applications.Generation;
using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Models.Variational;
using AutoEncoders.Objectives.Corruptions;
using AutoEncoders.Persistence;
using AutoEncoders.Visualization;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// `ae generate MODEL_DIR`: new data from a trained model, as a PNG grid and optionally as values (.npy/.csv):
/// decoded prior draws (variational and adversarial models; other models a Gaussian fitted to their test codes),
/// a decoded regular grid over two latent axes (--grid), or a denoising autoencoder's Markov chain (--chain).
/// </summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out", "-o") { Description = "The PNG grid to write.", DefaultValueFactory = _ => "samples.png" };
        var values = new Option<string?>("--values") { Description = "Also write the generated samples, flattened, to this .npy or .csv file." };
        var count = new Option<int>("--count", "-n") { Description = "Samples (or chains) to generate.", DefaultValueFactory = _ => 64 };
        var columns = new Option<int>("--columns") { Description = "Images per row of the PNG grid.", DefaultValueFactory = _ => 8 };
        var grid = new Option<bool>("--grid") { Description = "Decode a regular grid over two latent axes (the prior's central 90% for a VAE) instead of random draws." };
        var gridSteps = new Option<int>("--grid-steps") { Description = "Points per axis of --grid.", DefaultValueFactory = _ => 12 };
        var chain = new Option<bool>("--chain") { Description = "Denoising autoencoders: run the Markov chain corrupt -> reconstruct -> repeat (Bengio et al., 2013) from test images or noise." };
        var chainSteps = new Option<int>("--chain-steps") { Description = "Steps of each chain.", DefaultValueFactory = _ => 10 };
        var chainStart = new Option<string>("--chain-start") { Description = "Where chains start: data (test images) or noise (uniform).", DefaultValueFactory = _ => "data" };
        var noise = new Option<string?>("--noise") { Description = "The chain's corruption KIND:AMOUNT (gaussian:0.5, masking:0.3, salt_and_pepper:0.1); default: the one the model was trained with." };
        var sampleOutput = new Option<bool>("--sample-output") { Description = "Chains: draw each value from the Bernoulli the reconstruction parameterises instead of keeping the mean." };
        var imageShape = new Option<string?>("--image-shape") { Description = "Shape of one sample as C,H,W (e.g. 1,28,28) when it cannot be inferred." };
        var classOption = new Option<int?>("--class") { Description = "Conditional VAE (kind cvae): the class to generate, 0..classes-1; required for such a model, refused for others." };
        return ModelOnDataCommand.Create(
            "generate",
            "Generate new data from a trained model: decoded prior samples (VAE, AAE), a decoded latent grid (--grid), or a denoising autoencoder's Markov chain (--chain); writes a PNG grid and, with --values, the samples.",
            [output, values, count, columns, grid, gridSteps, chain, chainSteps, chainStart, noise, sampleOutput, imageShape, classOption],
            run =>
            {
                ParseResult parse = run.Parse;
                TextWriter stdout = run.Output;
                string directory = run.Directory;
                int n = parse.GetValue(count);
                if (n < 1 || parse.GetValue(columns) < 1 || parse.GetValue(gridSteps) < 2 || parse.GetValue(chainSteps) < 1)
                {
                    throw new ArgumentException("--count, --columns and --chain-steps must be at least 1 and --grid-steps at least 2.");
                }

                TrainedAutoencoder trained = run.Model;
                Autoencoder net = trained.Model;
                ImageLayout layout = parse.GetValue(imageShape) is { } shape ? ImageLayout.Parse(shape) : ImageLayout.Infer(trained.Manifest.Model.InputShape);
                long seed = parse.GetValue(run.Common.Seed) ?? 0;
                using var generator = new Generator((ulong)seed);
                using var scope = torch.NewDisposeScope();
                string png = parse.GetValue(output)!;
                using IDisposable? condition = ClassCondition(net, parse.GetValue(classOption), parse.GetValue(chain), directory, trained.Manifest.ClassNames, out string caption);
                Tensor generated;
                if (parse.GetValue(chain))
                {
                    Corruption corruption = parse.GetValue(noise) is { } spec
                        ? ParseCorruption(spec)
                        : trained.Manifest.Objective.Corruption
                          ?? throw new ArgumentException($"{directory}: the model was trained without a corruption; give the chain's with --noise KIND:AMOUNT (e.g. masking:0.3).");
                    Tensor start;
                    if (parse.GetValue(chainStart) == "noise")
                    {
                        start = torch.rand([n, .. trained.Manifest.Model.InputShape], generator: generator);
                    }
                    else if (parse.GetValue(chainStart) == "data")
                    {
                        TensorDataset test = run.Data;
                        start = test.Features.narrow(0, 0, Math.Min(n, test.Count)).clone();
                    }
                    else
                    {
                        throw new ArgumentException($"--chain-start: '{parse.GetValue(chainStart)}' is not known; expected data or noise.");
                    }

                    var markov = new DenoisingMarkovChain { Corruption = corruption, SampleOutput = parse.GetValue(sampleOutput) };
                    Tensor states = markov.Run(net, start, parse.GetValue(chainSteps), generator);
                    long steps = states.shape[0];
                    var picture = new ImageGrid(layout, (int)steps) { Title = "Denoising autoencoder Markov chain (start on the left)" };
                    for (long i = 0; i < Math.Min(start.shape[0], 16); i++)
                    {
                        picture.AddRow(states.select(1, i));
                    }

                    picture.Save(png, "Markov chain", string.Create(CultureInfo.InvariantCulture,
                        $"Each row one chain of {steps - 1} steps x <- reconstruct(corrupt(x)) with {corruption.GetType().Name} (seed {seed}), starting from {parse.GetValue(chainStart)} on the left."));
                    generated = states[-1];
                }
                else if (parse.GetValue(grid))
                {
                    int steps = parse.GetValue(gridSteps);
                    using LatentDistribution distribution = GenerativeViews.GridDistribution(net, () => trained.EncodeAll(run.Data).reshape(run.Data.Count, -1), generator);
                    GenerativeViews.SaveLatentGrid(net, distribution, layout, png, steps);
                    generated = trained.Decode(distribution.Grid(steps).reshape([-1, .. trained.Manifest.Model.CodeShape]));
                }
                else
                {
                    (Tensor codes, string source) = GenerativeViews.SampleCodes(net, n, () => trained.EncodeAll(run.Data).reshape(run.Data.Count, -1), generator);

                    generated = trained.Decode(codes.reshape([n, .. trained.Manifest.Model.CodeShape]));
                    GenerativeViews.SaveImages(generated, layout, png, parse.GetValue(columns), "Generated samples" + caption,
                        string.Create(CultureInfo.InvariantCulture, $"Decoder outputs for {n} codes drawn (seed {seed}) from {source}{caption}."));
                }

                stdout.WriteLine($"wrote {png} ({generated.shape[0]} samples)");
                if (parse.GetValue(values) is { } valuesPath)
                {
                    TensorFileWriter.Write(valuesPath, generated.reshape(generated.shape[0], -1), labels: null, columnPrefix: "x");
                    stdout.WriteLine($"wrote {valuesPath}");
                }

                return 0;
            });
    }

    /// <summary>
    /// The condition of a conditional VAE on --class (its scope, and a caption part such as " of class 3"); refuses a
    /// conditional model without a class or with one outside its labels, and --class for any other model.
    /// </summary>
    private static IDisposable? ClassCondition(Autoencoder net, int? label, bool chain, string directory, IReadOnlyList<string>? classNames, out string caption)
    {
        caption = string.Empty;
        if (net is not ConditionalVariationalAutoencoder conditional)
        {
            return label is null
                ? null
                : throw new ArgumentException($"--class: only a conditional model (kind \"cvae\") generates by class; {directory} holds a {net.Config.GetType().Name.Replace("Config", string.Empty, StringComparison.Ordinal)}.");
        }

        string classes = $"classes 0..{conditional.Classes - 1}" + (classNames is { Count: > 0 } ? $" ({string.Join(", ", classNames)})" : string.Empty);
        if (chain)
        {
            throw new ArgumentException($"--chain: {directory} holds a conditional VAE, which has no denoising chain; generate with --class N ({classes}).");
        }

        if (label is not int c)
        {
            throw new ArgumentException($"--class: {directory} holds a conditional VAE (kind \"cvae\"); say which class to generate with --class N ({classes}).");
        }

        if (c < 0 || c >= conditional.Classes)
        {
            throw new ArgumentException($"--class: {c} is outside the labels the model was trained on, {classes}.");
        }

        string name = classNames is { Count: > 0 } && c < classNames.Count && classNames[c] != c.ToString(CultureInfo.InvariantCulture) ? $" ({classNames[c]})" : string.Empty;
        caption = $" of class {c}{name}";
        return conditional.Conditioned(torch.tensor(new long[] { c }));
    }

    /// <summary>Parses KIND:AMOUNT, as `ae train --noise` does.</summary>
    internal static Corruption ParseCorruption(string spec)
    {
        string[] parts = spec.Split(':', 2);
        double amount = parts.Length == 2 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double a)
            ? a
            : throw new ArgumentException($"--noise: '{spec}' is not KIND:AMOUNT, e.g. masking:0.3.");
        Corruption corruption = parts[0] switch
        {
            "gaussian" => new GaussianNoise { Factor = amount },
            "masking" => new MaskingNoise { Fraction = amount },
            "salt_and_pepper" or "salt-and-pepper" => new SaltAndPepperNoise { Fraction = amount },
            string other => throw new ArgumentException($"--noise: '{other}' is not known; expected gaussian, masking or salt_and_pepper."),
        };
        corruption.Validate();
        return corruption;
    }
}
