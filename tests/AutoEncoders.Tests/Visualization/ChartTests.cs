using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Objectives;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using AutoEncoders.Visualization;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Visualization;

public sealed class ChartTests : IDisposable
{
    private static readonly SKColor Blue = new(0x1f, 0x77, 0xb4);
    private static readonly SKColor Orange = new(0xff, 0x7f, 0x0e);
    private static readonly SKColor Cyan = new(0x17, 0xbe, 0xcf);
    private readonly TempDirectory _folder = new();

    [Fact]
    public void Training_curves_draw_one_panel_per_metric_with_train_and_validation_lines()
    {
        var history = new TrainingHistory { Metrics = ["loss", "bce", "kl_sparsity"] };
        for (int e = 1; e <= 6; e++)
        {
            history.Epochs.Add(new EpochRecord
            {
                Epoch = e,
                LearningRate = 1e-3,
                Train = new Dictionary<string, double> { ["loss"] = 1.0 / e, ["bce"] = 0.8 / e, ["kl_sparsity"] = 0.2 / e, ["accuracy"] = 1 - (0.5 / e) },
                Validation = new Dictionary<string, double> { ["loss"] = 1.1 / e, ["bce"] = 0.9 / e, ["kl_sparsity"] = 0.2 / e, ["accuracy"] = 1 - (0.6 / e) },
            });
        }

        Assert.Equal(["loss", "bce", "kl_sparsity", "accuracy"], TrainingCurves.MetricNames(history));
        PictureFile picture = TrainingCurves.Save(history, Path.Combine(_folder.Path, "curves.png"));

        // Four panels of 460 x 330 in rows of three.
        using SKBitmap bitmap = Png.AssertPicture(picture, 3 * 460, 2 * 330);
        Assert.True(Png.PixelsNear(bitmap, Blue) > 200, "training lines (blue) should be drawn");
        Assert.True(Png.PixelsNear(bitmap, Orange) > 200, "validation lines (orange) should be drawn");
        Assert.True(Png.DarkPixels(bitmap, new SKRectI(0, 0, 460, 30)) > 30, "the first panel's title should be drawn");
        Assert.True(Png.DarkPixels(bitmap, new SKRectI(0, 330, 460, 360)) > 30, "the accuracy panel's title should be drawn");
        Assert.Equal(0, Png.DarkPixels(bitmap, new SKRectI(480, 340, 1380, 660)));
    }

    [Fact]
    public void Overlaid_losses_draw_each_run_in_its_own_colour()
    {
        static TrainingHistory History(double scale) => new()
        {
            Metrics = ["loss"],
            Epochs = Enumerable.Range(1, 5).Select(e => new EpochRecord { Epoch = e, Train = new Dictionary<string, double> { ["loss"] = scale / e } }).ToList(),
        };

        PictureFile picture = TrainingCurves.SaveOverlay([("a", History(1)), ("b", History(2))], Path.Combine(_folder.Path, "overlay.png"));
        using SKBitmap bitmap = Png.AssertPicture(picture, 560, 400);
        Assert.True(Png.PixelsNear(bitmap, Blue) > 100);
        Assert.True(Png.PixelsNear(bitmap, Orange) > 100);
    }

    [Fact]
    public void Latent_scatter_of_two_d_codes_colours_every_class_and_shows_a_legend()
    {
        TorchRuntime.EnsureLoaded();
        using var generator = new Generator(5);
        Tensor labels = torch.arange(10).repeat(30);
        Tensor codes = torch.randn(300, 2, generator: generator) + torch.stack([labels.to_type(ScalarType.Float32), labels.to_type(ScalarType.Float32) % 3], 1);
        string[] names = Enumerable.Range(0, 10).Select(i => $"class-{i}").ToArray();

        PictureFile picture = LatentSpacePlot.Save(codes, labels, names, Path.Combine(_folder.Path, "latent2.png"));
        using SKBitmap bitmap = Png.AssertPicture(picture, 760, 600);
        Assert.True(Png.PixelsNear(bitmap, Blue, 6) > 50, "class 0's colour");
        Assert.True(Png.PixelsNear(bitmap, Cyan, 6) > 50, "class 9's colour");
        Assert.True(Png.DarkPixels(bitmap, new SKRectI(660, 0, 760, 600)) > 100, "the legend's class names should be drawn at the right");
    }

    [Fact]
    public void Three_d_codes_are_drawn_from_four_angles_with_an_orthonormal_rotation()
    {
        TorchRuntime.EnsureLoaded();
        Tensor r = LatentSpacePlot.RotationMatrix(37, 21);
        Assert.True(r.matmul(r.t()).allclose(torch.eye(3), rtol: 0, atol: 1e-5), "R R^T = I");

        // Looking straight down (elevation 90) without azimuth shows the z1-z2 plane as it is; azimuth 90 turns it a quarter.
        Tensor points = torch.tensor(new float[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } });
        Assert.True(LatentSpacePlot.Project3D(points, 0, 90).allclose(torch.tensor(new float[,] { { 1, 0 }, { 0, 1 }, { 0, 0 } }), rtol: 0, atol: 1e-5));
        Assert.True(LatentSpacePlot.Project3D(points, 90, 90).allclose(torch.tensor(new float[,] { { 0, 1 }, { -1, 0 }, { 0, 0 } }), rtol: 0, atol: 1e-5));

        // At elevation 0 the third axis points up the screen.
        Assert.True(LatentSpacePlot.Project3D(points, 0, 0)[2].allclose(torch.tensor(new float[] { 0, 1 }), rtol: 0, atol: 1e-5));

        using var generator = new Generator(6);
        Tensor labels = torch.arange(3).repeat(50);
        Tensor codes = torch.randn(150, 3, generator: generator) + labels.to_type(ScalarType.Float32).unsqueeze(1);
        PictureFile picture = LatentSpacePlot.Save(codes, labels, ["a", "b", "c"], Path.Combine(_folder.Path, "latent3.png"));
        using SKBitmap bitmap = Png.AssertPicture(picture, 2 * 620, 32 + (2 * 480));
        Assert.True(Png.DarkPixels(bitmap, new SKRectI(0, 0, 1240, 30)) > 50, "the heading should be drawn");
    }

    [Fact]
    public void Wide_codes_are_compared_with_pca_of_the_raw_data_side_by_side()
    {
        TorchRuntime.EnsureLoaded();
        using var generator = new Generator(7);
        Tensor labels = torch.arange(4).repeat(40);
        Tensor raw = torch.rand(160, 50, generator: generator);
        Tensor codes = torch.randn(160, 12, generator: generator);

        PictureFile picture = LatentSpacePlot.Save(codes, labels, null, Path.Combine(_folder.Path, "latent12.png"), raw);
        using SKBitmap bitmap = Png.AssertPicture(picture, 2 * 640, 520);
        Assert.True(Png.PixelsNear(bitmap, Blue, 6) > 50 && Png.PixelsNear(bitmap, Orange, 6) > 50, "classes 0 and 1 should have their colours");
        Assert.True(Png.DarkPixels(bitmap, new SKRectI(640, 0, 1280, 30)) > 30, "the right panel (PCA of the data) should have a title");
        Assert.Throws<ArgumentException>(() => LatentSpacePlot.Save(codes, labels, null, Path.Combine(_folder.Path, "bad.png"), raw.narrow(0, 0, 10)));
    }

    [Fact]
    public void Sparsity_curve_matches_the_kl_penalty_the_trainer_minimises()
    {
        TorchRuntime.EnsureLoaded();
        using var model = new DenseAutoencoderConfig { Layers = [4, 1], CodeActivation = Activation.Sigmoid }.Build();
        var penalty = new KlSparsityPenalty { Target = 0.05 };
        foreach (double rhoHat in new[] { 0.01, 0.05, 0.2, 0.5, 0.9 })
        {
            using Tensor h = torch.tensor(new[] { (float)rhoHat }).reshape(1, 1);
            using Tensor x = torch.zeros(1, 4);
            var output = new AutoencoderOutput { Reconstruction = x, Code = h, Hidden = [new HiddenActivation("encoder.0", x, null, h, Activation.Sigmoid, null)] };
            double expected = penalty.Compute(new LossContext { Model = model, Target = x, Input = x, Output = output }).item<float>();
            Assert.Equal(expected, SparsityPenaltyCurve.Kl(0.05, rhoHat), 1e-4);
        }

        Assert.Equal(0, SparsityPenaltyCurve.Kl(0.05, 0.05), 12);
        Assert.Equal(0.0225, SparsityPenaltyCurve.Squared(0.05, 0.2), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => SparsityPenaltyCurve.Kl(1.0, 0.5));

        PictureFile picture = SparsityPenaltyCurve.Save(0.05, Path.Combine(_folder.Path, "sparsity.png"));
        using SKBitmap bitmap = Png.AssertPicture(picture, 640, 420);
        Assert.True(Png.PixelsNear(bitmap, Blue) > 100 && Png.PixelsNear(bitmap, Orange) > 100, "both curves should be drawn");
    }

    public void Dispose() => _folder.Dispose();
}
