using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AutoEncoders.Data;
using AutoEncoders.Evaluation;
using AutoEncoders.Persistence;

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
        var generative = new GenerativeEvalOptions();
        var priorMatch = new Option<long>("--prior-match") { Description = "Compare the codes of the first N examples with N draws from the model's prior (N(0, I) for models without one): per-dimension means and standard deviations, and the RBF-kernel MMD^2 raw, standardised and between two prior samples; 0 skips it.", DefaultValueFactory = _ => 0 };
        return ModelOnDataCommand.Create(
            "eval",
            "Evaluate a trained model: squared error per sample, MSE/BCE per value, PSNR and the objective's terms; for variational models also the test ELBO, the IWAE bound (--iwae-samples K), the KL term and the active units, in nats per example.",
            [json, iwaeSamples, iwaeLimit, elboSamples, priorMatch, .. generative.All],
            run =>
            {
                ParseResult parse = run.Parse;
                if (parse.GetValue(generative.Generative))
                {
                    return generative.Run(run, parse.GetValue(json), iwaeSamples, iwaeLimit);
                }

                TrainedAutoencoder trained = run.Model;
                TensorDataset test = run.Data;
                int seed = parse.GetValue(run.Common.Seed) ?? 0;
                var evaluation = new ModelEvaluationOptions
                {
                    ImportanceSamples = parse.GetValue(iwaeSamples),
                    ImportanceLimit = parse.GetValue(iwaeLimit),
                    ElboSamples = parse.GetValue(elboSamples),
                    Seed = seed,
                };
                if (evaluation.ImportanceSamples < 0 || evaluation.ElboSamples < 1)
                {
                    throw new ArgumentException($"--iwae-samples must be 0 or more and --elbo-samples 1 or more; found {evaluation.ImportanceSamples} and {evaluation.ElboSamples}.");
                }

                Dictionary<string, double> metrics;
                try
                {
                    metrics = ModelEvaluation.Evaluate(trained, test, evaluation);
                }
                catch (ArgumentException e) when (evaluation.ImportanceSamples > 0 && e.Message.Contains("IWAE", StringComparison.Ordinal))
                {
                    throw new ArgumentException($"--iwae-samples: {run.Directory}: {e.Message}", e);
                }

                long matchCount = parse.GetValue(priorMatch);
                if (matchCount != 0)
                {
                    foreach ((string key, double value) in PriorMatch.Of(trained.Model, test, matchCount, seed, "--prior-match").ToDictionary())
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
}
