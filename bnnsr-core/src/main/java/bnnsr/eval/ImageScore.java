package bnnsr.eval;

/** PSNR (dB) and SSIM of one image at one scale. */
public record ImageScore(String image, int scale, double psnr, double ssim) {}
