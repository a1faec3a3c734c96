namespace AutoEncoders.Objectives;

/// <summary>How <see cref="ContractivePenalty"/> computes the squared Frobenius norm of the encoder's Jacobian.</summary>
public enum JacobianMethod
{
    /// <summary>
    /// Exact, for any encoder, by double backpropagation: one gradient of each code unit with respect to the
    /// input, kept in the graph (cost: one backward pass per code unit).
    /// </summary>
    Exact,

    /// <summary>
    /// Closed form for one affine layer with an element-wise activation: sum_i f'(z_i)^2 sum_j W_ij^2, which for
    /// a sigmoid is sum_i (h_i (1 - h_i))^2 sum_j W_ij^2 (Rifai et al., 2011). Jacobian of the layer with
    /// respect to its own input.
    /// </summary>
    ClosedForm,

    /// <summary>
    /// Unbiased stochastic estimate E_v ||v^T J||^2 with v ~ N(0, I) (Hutchinson), one backward pass per projection.
    /// </summary>
    Estimate,
}
