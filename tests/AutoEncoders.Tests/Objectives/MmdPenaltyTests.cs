using System.Text.Json;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Models.Wasserstein;
using AutoEncoders.Objectives;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Objectives;

public sealed class MmdPenaltyTests
{
    [Fact]
    public void The_unbiased_estimate_matches_hand_computed_values_on_tiny_samples()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        Tensor x = torch.tensor(new double[] { 0, 1 }).reshape(2, 1);
        Tensor y = torch.tensor(new double[] { 10, 11 }).reshape(2, 1);

        // C = 1: k(0, 1) = 1/2 in each sample (diagonal left out), cross pairs at distances 10, 11, 9, 10.
        double cross = (1.0 / 101) + (1.0 / 122) + (1.0 / 82) + (1.0 / 101);
        double expected = 0.5 + 0.5 - (2 * cross / 4);
        Assert.Equal(expected, MmdEstimator.Unbiased(x, y, MmdKernel.InverseMultiquadratic, [1.0]).item<double>(), 12);

        // Two constants add up; the Gaussian kernel exp(-d^2 / C) at C = 2.
        double imq2 = (4.0 / 3) - (2 * ((2.0 / 102) + (2.0 / 123) + (2.0 / 83) + (2.0 / 102)) / 4);
        Assert.Equal(expected + imq2, MmdEstimator.Unbiased(x, y, MmdKernel.InverseMultiquadratic, [1.0, 2.0]).item<double>(), 12);
        double gaussian = (2 * Math.Exp(-0.5)) - (2 * (Math.Exp(-50) + Math.Exp(-60.5) + Math.Exp(-40.5) + Math.Exp(-50)) / 4);
        Assert.Equal(gaussian, MmdEstimator.Unbiased(x, y, MmdKernel.Gaussian, [2.0]).item<double>(), 12);

        // Unbiased: a sample against itself is not 0 but k(x1, x2) terms minus the full cross mean (here 0.5 + 0.5 - 2 * 0.75).
        Assert.Equal(-0.5, MmdEstimator.Unbiased(x, x, MmdKernel.InverseMultiquadratic, [1.0]).item<double>(), 12);
    }

    [Fact]
    public void The_estimate_is_zero_within_sampling_error_for_one_gaussian_and_clearly_positive_for_a_shifted_one()
    {
        TorchRuntime.SetSeed(5);
        using var scope = torch.NewDisposeScope();
        const int d = 8;
        double[] constants = [.. MmdPenalty.DefaultScales.Select(s => s * 2 * d)];
        var same = new List<double>();
        for (int i = 0; i < 20; i++)
        {
            same.Add(MmdEstimator.Unbiased(torch.randn(200, d), torch.randn(200, d), MmdKernel.InverseMultiquadratic, constants).item<float>());
        }

        double mean = same.Average();
        double spread = Math.Sqrt(same.Sum(v => (v - mean) * (v - mean)) / (same.Count - 1));
        Assert.True(Math.Abs(mean) < 3 * spread / Math.Sqrt(same.Count), $"mean {mean:G3} over 20 pairs of one Gaussian, standard deviation {spread:G3}");
        Assert.Contains(same, v => v < 0);

        double shifted = MmdEstimator.Unbiased(torch.randn(200, d), torch.randn(200, d) + 1, MmdKernel.InverseMultiquadratic, constants).item<float>();
        double wider = MmdEstimator.Unbiased(torch.randn(200, d), torch.randn(200, d) * 2, MmdKernel.InverseMultiquadratic, constants).item<float>();
        Assert.True(shifted > 20 * spread, $"a mean shift of 1 gives {shifted:G3}, against a spread of {spread:G3}");
        Assert.True(wider > 20 * spread, $"twice the standard deviation gives {wider:G3}, against a spread of {spread:G3}");
    }

    [Fact]
    public void The_term_compares_codes_with_the_prior_and_its_gradient_pulls_codes_towards_it()
    {
        TorchRuntime.SetSeed(6);
        using var scope = torch.NewDisposeScope();
        using Autoencoder model = new WassersteinAutoencoderConfig { Layers = [16, 8, 3], PriorStd = 2 }.Build();
        Tensor codes = (torch.randn(64, 3) + 5).requires_grad_(true);
        var output = new AutoencoderOutput { Reconstruction = torch.zeros(64, 16), Code = codes };
        var context = new LossContext { Model = model, Target = torch.zeros(64, 16), Input = torch.zeros(64, 16), Output = output, Training = true };

        Tensor value = new MmdPenalty().Compute(context);
        value.backward();

        Assert.True(value.item<float>() > 0.1, $"codes around 5 against N(0, 4 I): {value.item<float>()}");
        // Gradient descent moves the codes' mean towards the prior's 0.
        Assert.True(codes.grad!.mean().item<float>() > 0, "the gradient should point away from the prior");
    }

    [Fact]
    public void Bad_settings_are_refused_naming_the_field_and_a_model_without_a_prior_is_refused()
    {
        var bad = JsonSerializer.Deserialize<LossTerm>("""{ "kind": "mmd", "scales": [1, 0] }""", JsonDefaults.Options)!;
        Assert.Contains("scales", Assert.Throws<ArgumentException>(() => new Objective { Penalties = [bad] }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("scales", Assert.Throws<ArgumentException>(() => new Objective { Penalties = [new MmdPenalty { Scales = [] }] }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("mmd", Assert.Throws<ArgumentException>(() => new Objective { Penalties = [new MmdPenalty { Weight = -1 }] }.Validate()).Message, StringComparison.Ordinal);

        TorchRuntime.SetSeed(7);
        using var scope = torch.NewDisposeScope();
        using Autoencoder dense = new DenseAutoencoderConfig { Layers = [16, 3] }.Build();
        Tensor x = torch.rand(4, 16);
        var context = new LossContext { Model = dense, Target = x, Input = x, Output = dense.call(x), Training = true };
        Assert.Contains("prior", Assert.Throws<InvalidOperationException>(() => new MmdPenalty().Compute(context)).Message, StringComparison.Ordinal);
    }
}
