using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Objectives.Corruptions;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using AutoEncoders.Visualization;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Tests.Visualization;

[Collection(TrainedRunsGroup.Name)]
public sealed class ModelPictureTests(TrainedRuns runs)
{
    private static readonly ImageLayout Digits = new(1, 28, 28);
    private static readonly int[] FirstFourUnits = [0, 1, 2, 3];
    private static readonly float[] Spread = [2f, 0.5f];
    private static readonly float[] Centre = [1f, -1f];

    [Fact]
    public void Seeded_choice_of_test_images_is_repeatable_sorted_and_distinct()
    {
        TorchRuntime.EnsureLoaded();
        long[] a = ReconstructionGrid.Choose(1000, 10, 4).data<long>().ToArray();
        long[] b = ReconstructionGrid.Choose(1000, 10, 4).data<long>().ToArray();
        long[] c = ReconstructionGrid.Choose(1000, 10, 5).data<long>().ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(a.Order(), a);
        Assert.Equal(10, a.Distinct().Count());
        Assert.Equal(3, ReconstructionGrid.Choose(3, 10, 0).shape[0]);
    }

    [Fact]
    public void Reconstruction_and_denoising_grids_stack_their_rows()
    {
        using TrainedAutoencoder trained = TrainedAutoencoder.Load(runs.Sparse);
        using TensorDataset test = runs.Test;
        string folder = runs.NewFolder();
        PictureFile plain = ReconstructionGrid.Save(trained.Model, test.Features, Digits, Path.Combine(folder, "r.png"), count: 12, seed: 1, columns: 6);
        PictureFile noisy = ReconstructionGrid.Save(trained.Model, test.Features, Digits, Path.Combine(folder, "d.png"), count: 12, seed: 1, corruption: new GaussianNoise { Factor = 0.3 }, columns: 6);

        using SKBitmap a = Png.AssertPicture(plain, minColours: 20);
        using SKBitmap b = Png.AssertPicture(noisy, minColours: 20);

        // 12 images in bands of 6: 4 rows of 56-pixel tiles, then 6 rows for denoising (clean, corrupted, denoised).
        Assert.Equal(27 + 2 + (4 * 58), a.Height);
        Assert.Equal(27 + 2 + (6 * 58), b.Height);
    }

    [Fact]
    public void First_layer_filters_are_the_rows_of_the_first_encoder_weight()
    {
        using TrainedAutoencoder trained = TrainedAutoencoder.Load(runs.Sparse);
        var dense = (DenseAutoencoder)trained.Model;
        (Tensor filters, ImageLayout layout) = UnitPictures.FirstLayerFilters(dense, Digits);
        using (filters)
        {
            Assert.Equal(Digits, layout);
            Assert.True(filters.equal(dense.EncoderLayer(0).weight!.detach()).all().item<bool>());
        }

        PictureFile picture = UnitPictures.SaveFilters(dense, Digits, Path.Combine(runs.NewFolder(), "f.png"), maxFilters: 20, columns: 10);
        using SKBitmap bitmap = Png.AssertPicture(picture, minColours: 50);
        Assert.Equal(27 + 2 + (2 * 58), bitmap.Height);
        Assert.Throws<ArgumentException>(() => UnitPictures.FirstLayerFilters(dense, new ImageLayout(1, 10, 10)));
    }

    [Fact]
    public void Filter_comparison_puts_each_models_panel_side_by_side()
    {
        using TrainedAutoencoder trained = TrainedAutoencoder.Load(runs.Sparse);
        TorchRuntime.SetSeed(3);
        using Autoencoder fresh = new DenseAutoencoderConfig { Layers = [784, 12] }.Build();
        string folder = runs.NewFolder();
        PictureFile left = UnitPictures.SaveFilterComparison([("trained", trained.Model)], Digits, Path.Combine(folder, "a.png"), maxFilters: 12, columns: 6);
        PictureFile right = UnitPictures.SaveFilterComparison([("untrained", fresh)], Digits, Path.Combine(folder, "b.png"), maxFilters: 12, columns: 6);
        PictureFile both = UnitPictures.SaveFilterComparison([("trained", trained.Model), ("untrained", fresh)], Digits, Path.Combine(folder, "ab.png"), maxFilters: 12, columns: 6);

        using SKBitmap a = Png.AssertPicture(left, minColours: 50);
        using SKBitmap b = Png.AssertPicture(right, minColours: 50);
        using SKBitmap ab = Png.AssertPicture(both, minColours: 50);
        Assert.Equal(27 + 2 + (2 * 58), a.Height);
        Assert.Equal(a.Width + 24 + b.Width, ab.Width);
        Assert.Equal(Math.Max(a.Height, b.Height), ab.Height);

        // Each panel is exactly the one-model picture: the left one at x = 0, the right one after the gap.
        for (int y = 0; y < a.Height; y += 3)
        {
            for (int x = 0; x < a.Width; x += 3)
            {
                Assert.Equal(a.GetPixel(x, y), ab.GetPixel(x, y));
            }

            for (int x = 0; x < b.Width; x += 3)
            {
                Assert.Equal(b.GetPixel(x, y), ab.GetPixel(a.Width + 24 + x, y));
            }
        }

        Assert.Throws<ArgumentException>(() => UnitPictures.SaveFilterComparison([], Digits, Path.Combine(folder, "none.png")));
    }

    [Fact]
    public void Most_activating_samples_are_the_top_codes_of_each_unit()
    {
        using TrainedAutoencoder trained = TrainedAutoencoder.Load(runs.Sparse);
        using TensorDataset test = runs.Test;
        (Tensor indices, Tensor activations) = UnitPictures.TopActivating(trained.Model, test.Features, units: 3, perUnit: 5);
        Tensor codes = trained.Encode(test.Features);
        for (int unit = 0; unit < 3; unit++)
        {
            long[] expected = codes.select(1, unit).argsort(descending: true).narrow(0, 0, 5).data<long>().ToArray();
            Assert.Equal(expected, indices[unit].data<long>().ToArray());
            Assert.Equal(codes[expected[0], unit].item<float>(), activations[unit, 0].item<float>(), 5);
        }

        PictureFile picture = UnitPictures.SaveTopActivating(trained.Model, test.Features, Digits, Path.Combine(runs.NewFolder(), "t.png"), units: 8, perUnit: 6);
        using SKBitmap bitmap = Png.AssertPicture(picture, minColours: 20);
        Assert.Equal(27 + 2 + (8 * 58), bitmap.Height);
        Assert.True(Png.DarkPixels(bitmap, new SKRectI(0, 30, 60, bitmap.Height)) > 200, "rows should be labelled with their unit");
    }

    [Fact]
    public void Activation_maximisation_finds_the_weight_direction_of_a_linear_unit()
    {
        // For a linear unit h = w.x + b the maximiser under ||x|| = rho is rho w / ||w||, checkable by hand.
        TorchRuntime.SetSeed(9);
        using Autoencoder model = new DenseAutoencoderConfig { Layers = [784, 4], CodeActivation = Activation.Linear }.Build();
        var maximization = new ActivationMaximization { Steps = 100, Seed = 2 };
        (Tensor inputs, Tensor reached) = maximization.Maximize(model, [1, 3], norm: 9.0);
        Tensor w = ((DenseAutoencoder)model).EncoderLayer(0).weight!.detach();
        foreach ((int row, int unit) in new[] { (0, 1), (1, 3) })
        {
            Tensor x = inputs[row];
            Assert.Equal(9.0, x.norm().item<float>(), 3);
            double cosine = (x.dot(w[unit]) / (x.norm() * w[unit].norm())).item<float>();
            Assert.True(cosine > 0.999, $"unit {unit}: cosine with its weight {cosine:F5}");
            double best = (9.0 * w[unit].norm().item<float>()) + ((DenseAutoencoder)model).EncoderLayer(0).bias![unit].item<float>();
            Assert.Equal(best, reached[row].item<float>(), 2);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => maximization.Maximize(model, [4], 9.0));
    }

    [Fact]
    public void Activation_maximisation_beats_every_test_digit_of_the_same_norm()
    {
        using TrainedAutoencoder trained = TrainedAutoencoder.Load(runs.Sparse);
        using TensorDataset test = runs.Test;
        Tensor x = test.Features;
        Tensor norms = x.norm(1, keepdim: true);
        double rho = norms.mean().item<float>();
        Tensor scaled = x * (rho / norms);
        Tensor bestTest = trained.Encode(scaled).max(0).values;
        (Tensor _, Tensor reached) = new ActivationMaximization { Steps = 100 }.Maximize(trained.Model, FirstFourUnits, rho);
        for (int unit = 0; unit < 4; unit++)
        {
            Assert.True(reached[unit].item<float>() >= bestTest[unit].item<float>() - 1e-4,
                $"unit {unit}: maximised activation {reached[unit].item<float>():F4} is below the best test digit's {bestTest[unit].item<float>():F4}");
        }

        PictureFile picture = new ActivationMaximization { Steps = 20 }.Save(trained.Model, x, Digits, Path.Combine(runs.NewFolder(), "am.png"), maxUnits: 8, columns: 4);
        using SKBitmap bitmap = Png.AssertPicture(picture, minColours: 50);
        Assert.Equal(27 + 2 + (2 * 58), bitmap.Height);
    }

    [Fact]
    public void Fitted_distribution_matches_the_codes_and_its_grid_spans_their_range()
    {
        TorchRuntime.EnsureLoaded();
        using var generator = new Generator(8);
        Tensor codes = (torch.randn(4000, 2, generator: generator) * torch.tensor(Spread)) + torch.tensor(Centre);
        using LatentDistribution fitted = LatentDistribution.FitToCodes(codes);
        Assert.False(fitted.IsStandardNormal);
        Assert.True(fitted.Mean.allclose(torch.tensor(Centre), rtol: 0, atol: 0.1));
        Tensor covariance = fitted.CholeskyFactor.matmul(fitted.CholeskyFactor.t());
        Assert.True(covariance.allclose(torch.tensor(new[,] { { 4f, 0f }, { 0f, 0.25f } }), rtol: 0, atol: 0.15));

        Tensor grid = fitted.Grid(5);
        Assert.Equal([25L, 2L], grid.shape);
        Assert.Equal(fitted.GridLow[0], grid[20, 0].item<float>(), 4);   // bottom-left: first axis low, second axis low
        Assert.Equal(fitted.GridLow[1], grid[20, 1].item<float>(), 4);
        Assert.Equal(fitted.GridHigh[1], grid[0, 1].item<float>(), 4);  // top row: second axis high
        Assert.InRange(fitted.GridLow[0], -4.5, -2.5);                   // 1st percentile of N(1, 4): 1 - 2.33 * 2

        using LatentDistribution prior = LatentDistribution.StandardNormal(5);
        Assert.True(prior.IsStandardNormal);
        Tensor draws = prior.Sample(20000, new Generator(1));
        Assert.True(draws.mean([0]).abs().max().item<float>() < 0.05);
        Assert.True((draws.std(0L) - 1).abs().max().item<float>() < 0.05);
        Assert.Equal([144L, 5L], prior.Grid(12).shape);
        Assert.Equal(-1.6449, prior.GridLow[0], 3);
    }

    [Fact]
    public void Interpolations_start_and_end_at_the_reconstructions_and_views_are_drawn()
    {
        using TrainedAutoencoder trained = TrainedAutoencoder.Load(runs.Plain);
        using TensorDataset test = runs.Test;
        Tensor from = test.Features.narrow(0, 0, 3), to = test.Features.narrow(0, 3, 3);
        Tensor strips = GenerativeViews.Interpolate(trained.Model, from, to, steps: 6);
        Assert.Equal([3L, 6L, 784L], strips.shape);
        Assert.True(strips.select(1, 0).allclose(trained.Reconstruct(from), rtol: 0, atol: 1e-5));
        Assert.True(strips.select(1, 5).allclose(trained.Reconstruct(to), rtol: 0, atol: 1e-5));

        string folder = runs.NewFolder();
        using LatentDistribution distribution = LatentDistribution.FitToCodes(trained.Encode(test.Features));
        using SKBitmap grid = Png.AssertPicture(GenerativeViews.SaveLatentGrid(trained.Model, distribution, Digits, Path.Combine(folder, "g.png"), steps: 10), minColours: 50);
        Assert.Equal(27 + 0 + (10 * 56), grid.Height);
        using SKBitmap samples = Png.AssertPicture(GenerativeViews.SaveSamples(trained.Model, distribution, Digits, Path.Combine(folder, "s.png"), count: 16, seed: 1, columns: 8), minColours: 50);
        Assert.Equal(27 + 2 + (2 * 58), samples.Height);
        using SKBitmap strip = Png.AssertPicture(GenerativeViews.SaveInterpolations(trained.Model, test.Features, Digits, Path.Combine(folder, "i.png"), pairs: 3, steps: 6), minColours: 50);
        Assert.True(strip.Width >= 2 + (8 * 58), $"8 images per strip need {2 + (8 * 58)} pixels; found {strip.Width}");
        Assert.Equal(27 + 2 + (3 * 58), strip.Height);
    }
}
