using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Evaluation;

/// <summary>Compares linear subspaces through their principal angles (Björck and Golub, 1973).</summary>
public static class SubspaceComparison
{
    /// <summary>
    /// Principal angles in degrees, smallest first, between the column spaces of <paramref name="a"/> [D, p] and
    /// <paramref name="b"/> [D, q]: orthonormalise each with QR, then the angles are arccos of the singular values
    /// of Q_a^T Q_b.
    /// </summary>
    public static double[] PrincipalAnglesDegrees(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.shape[0] != b.shape[0])
        {
            throw new ArgumentException($"Both bases need the same ambient dimension; found {a.shape[0]} and {b.shape[0]} rows.");
        }

        using var scope = torch.NewDisposeScope();
        Tensor qa = torch.linalg.qr(a.to_type(ScalarType.Float64)).Item1;
        Tensor qb = torch.linalg.qr(b.to_type(ScalarType.Float64)).Item1;
        Tensor cosines = torch.linalg.svdvals(qa.t().matmul(qb)).clamp(-1.0, 1.0);
        return cosines.acos().rad2deg().data<double>().ToArray().Order().ToArray();
    }
}
