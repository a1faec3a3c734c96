using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AutoEncoders.Data;
using AutoEncoders.Evaluation;
using AutoEncoders.Models;
using AutoEncoders.Models.Adversarial;
using AutoEncoders.Models.Variational;
using AutoEncoders.Persistence;
using AutoEncoders.Training;
using TorchSharp;

namespace AutoEncoders.Cli.Commands;

/// <summary>`ae eval`: reconstruction error per sample and per value, BCE, PSNR and the objective's terms on a dataset.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the metrics as a JSON object." };
        var iwaeSamples = new Option<int>("--iwae-samples") { Description = "Variational models: importance samples k for the IWAE bound on log p(x) (e.g. 1000); 0 skips it.", DefaultValueFactory = _ => 0 };
        var iwaeLimit = new Option<long?>("--iwae-limit") { Description = "Variational models: compute the IWAE bound on the first N examples only (it costs k decodes per example)." };
        var elboSamples = new Option<int>("--elbo-samples") { Description = "Variational models: draws of z per example for the ELBO's expected log-likelihood.", DefaultValueFactory = _ => 1 };
        var priorMatch = new Option<long>("--prior-match") { Description = "Compare the codes of the first N examples with N draws from the model's prior (N(0, I) for models without one): per-dimension means and standard deviations, and the RBF-kernel MMD^2 raw, standardised and between two prior samples; 0 skips it.", DefaultValueFactory = _ => 0 };
        return ModelOnDataCommand.Create(
            "eval",
            "Evaluate a trained model: squared error per sample, MSE/BCE per value, PSNR and the objective's terms; for variational models also the test ELBO, the IWAE bound (--iwae-samples K), the KL term and the active units, in nats per example.",
            [json, iwaeSamples, iwaeLimit, elboSamples, priorMatch],
            run =>
            {
                ParseResult parse = run.Parse;
                TrainedAutoencoder trained = run.Model;
                TensorDataset test = run.Data;
                TrainerOptions options = (trained.Manifest.Training ?? new TrainerOptions()) with { Progress = ProgressMode.Silent };
                using Trainer trainer = trained.Model is AdversarialAutoencoder adversarial
                    ? new AdversarialTrainer(adversarial, trained.Manifest.Objective, options)
                    : new Trainer(trained.Model, trained.Manifest.Objective, options);
                var metrics = TrainCommand.TestMetrics(trainer, trained, test).ToDictionary(p => p.Key, p => p.Value);
                if (trained.Model is VariationalModel vae)
                {
                    int k = parse.GetValue(iwaeSamples);
                    int draws = parse.GetValue(elboSamples);
                    if (k < 0 || draws < 1)
                    {
                        throw new ArgumentException($"--iwae-samples must be 0 or more and --elbo-samples 1 or more; found {k} and {draws}.");
                    }

                    VariationalMetrics variational = VariationalEvaluation.Evaluate(vae, test, k, parse.GetValue(iwaeLimit), seed: parse.GetValue(run.Common.Seed) ?? 0, elboSamples: draws);
                    foreach ((string key, double value) in variational.ToDictionary())
                    {
                        metrics[key] = value;
                    }
                }
                else if (parse.GetValue(iwaeSamples) > 0)
                {
                    throw new ArgumentException($"--iwae-samples needs a variational model (kind \"vae\" or \"conv_vae\"); {run.Directory} holds a {trained.Manifest.Model.GetType().Name.Replace("Config", string.Empty, StringComparison.Ordinal)}.");
                }

                long matchCount = parse.GetValue(priorMatch);
                if (matchCount != 0)
                {
                    foreach ((string key, double value) in PriorMatchOf(trained, test, matchCount, parse.GetValue(run.Common.Seed) ?? 0).ToDictionary())
                    {
                        metrics[key] = value;
                    }
                }

                if (parse.GetValue(json))
                {
                    run.Output.WriteLine(JsonSerializer.Serialize(metrics, JsonDefaults.Options));
                    return 0;
                }

                run.Output.WriteLine($"{test.Name}: {test.Count} samples{(test.Note is null ? string.Empty : $" ({test.Note})")}");
                if (CorruptedMetricsLegend.Describe(trained.Manifest.Objective) is string legend)
                {
                    run.Output.WriteLine($"  {legend}");
                }
                foreach ((string key, double value) in metrics)
                {
                    run.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {key,-26} {value,12:G6}"));
                }

                return 0;
            });
    }

    /// <summary>The codes of the first <paramref name="count"/> examples against two independent prior samples of the same size.</summary>
    private static PriorMatch PriorMatchOf(TrainedAutoencoder trained, TensorDataset test, long count, int seed)
    {
        long[] codeShape = trained.Manifest.Model.CodeShape;
        if (count < 2 || count > test.Count || codeShape.Length != 1)
        {
            throw new ArgumentException($"--prior-match needs 2 to {test.Count} examples (the dataset's size) and a model with a flat code; found {count} and a code of shape [{string.Join(", ", codeShape)}].");
        }

        using var scope = torch.NewDisposeScope();
        using TensorDataset first = test.Slice(0, count);
        torch.Tensor codes = trained.EncodeAll(first);
        using var generator = new torch.Generator((ulong)seed);
        (torch.Tensor prior, torch.Tensor second) = trained.Model is IGenerativeAutoencoder generative
            ? (generative.SamplePrior(count, generator), generative.SamplePrior(count, generator))
            : (torch.randn([count, codeShape[0]], generator: generator), torch.randn([count, codeShape[0]], generator: generator));
        return PriorMatch.Compute(codes, prior.cpu(), second.cpu());
    }
}
