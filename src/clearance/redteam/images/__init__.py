# SPDX-License-Identifier: Apache-2.0
"""The image red team: does a generated image reproduce an indexed work, and whose is it?"""
