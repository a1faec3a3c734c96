namespace AutoEncoders.Objectives;

/// <summary>How beta-TCVAE estimates the aggregate posterior q(z) from one mini-batch (Chen et al., 2018, section 3.1 and appendix C.1).</summary>
public enum TotalCorrelationSampling
{
    /// <summary>Minibatch-weighted sampling: q(z_i) ~ 1/(N M) sum_j q(z_i | x_j).</summary>
    MinibatchWeighted,

    /// <summary>Minibatch-stratified sampling: the paper's importance weights over the batch (1/N for the example z was drawn from, (N - M)/(N M) for one other, 1/M for the remaining M - 1 with M = B - 1).</summary>
    MinibatchStratified,
}
