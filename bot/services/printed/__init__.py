"""What is printed or drawn (posters, certificates, charts): takes words already
translated, returns bytes; PIL, qrcode, fpdf2 and matplotlib load only when used."""
